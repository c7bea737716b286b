package dev.totpguard.example.launcher;

/** Entry point of {@code totpguard-example.jar}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.out.println(LauncherOptions.USAGE);
    }
}
