# DO NOT EDIT - See: https://jetty.org/docs/index.html

[description]
TOTP Guard: password plus TOTP in Jetty's JAAS login. Puts the TOTP Guard jars (lib/totpguard) on the
server class path and adds a JAASLoginService, named by totpguard.jaas.realm (the <realm-name> of web.xml),
that logs in with the etc/login.conf entry totpguard.jaas.entry (TotpGuardJetty in the README's jaas.conf).

[tags]
security

[depend]
jaas

[lib]
lib/totpguard/*.jar

[xml]
etc/totpguard-jaas.xml

[ini-template]
## The realm name web.xml's <login-config><realm-name> uses.
# totpguard.jaas.realm=TOTP Guard
## The entry of etc/login.conf (jetty.jaas.login.conf) the login runs.
# totpguard.jaas.entry=TotpGuardJetty
