package dev.totpguard.example.spring;

import dev.totpguard.TwoFactorService;
import dev.totpguard.store.StoreException;
import java.security.Principal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The admin pages: a dashboard, and a settings page that needs a recent code (step-up). */
@Controller
class AdminController {

    private final TwoFactorService twoFactor;

    AdminController(TwoFactorService twoFactor) {
        this.twoFactor = twoFactor;
    }

    @GetMapping("/")
    String home() {
        return "redirect:/admin/";
    }

    @GetMapping("/admin/")
    String dashboard(Principal user, Model model) throws StoreException {
        model.addAttribute("user", user.getName());
        model.addAttribute("status", twoFactor.status(user.getName()));
        return "admin";
    }

    @GetMapping("/admin/settings")
    String settings(Principal user, Model model) {
        model.addAttribute("user", user.getName());
        return "settings";
    }
}
