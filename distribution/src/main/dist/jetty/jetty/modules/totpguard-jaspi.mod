# DO NOT EDIT - See: https://jetty.org/docs/index.html

[description]
TOTP Guard: password plus TOTP through Jakarta Authentication (dev.totpguard.jaspic.TotpServerAuthModule).
Puts the TOTP Guard jars (lib/totpguard) on the ee10 environment's class path, where Jetty's Jakarta
Authentication API and servlet API are, and brings Jetty's ee10-jaspi module (with its DefaultAuthConfigFactory) and the ee10-annotations module
(which runs TOTP Guard's start-up check of the registrations). Register the provider in
etc/jaspi/jetty-ee10-jaspi-authmoduleconfig.xml (conf-snippets/jetty-ee10-jaspi-authmoduleconfig.xml).

[environment]
ee10

[tags]
security

[depend]
ee10-jaspi-default-auth-config-factory
ee10-jaspi
ee10-annotations

[lib]
lib/totpguard/*.jar
