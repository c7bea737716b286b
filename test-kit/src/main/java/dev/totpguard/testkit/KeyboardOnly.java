package dev.totpguard.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * A person who uses only the keyboard: Tab, Shift+Tab, Enter, Space and typing into whatever has the focus, sent to
 * the browser as key events (never {@code click()} or {@code WebElement.sendKeys}, which move the focus themselves).
 * {@link #tabStops} walks a whole page and reports, for every stop, where it lies in the document and whether the
 * browser shows a focus indicator on it. One instance per browser; not thread-safe.
 */
public final class KeyboardOnly {

    /** What can take the focus by Tab, in document order (hidden ones included: a menu opens on focus-within). */
    private static final String FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), "
            + "select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

    // Where the focused element lies among the focusable ones, what it is, and what the browser draws around it.
    private static final String ACTIVE = """
            const active = document.activeElement;
            if (!active || active === document.body || active === document.documentElement) return null;
            const all = Array.from(document.querySelectorAll(arguments[0]));
            const style = getComputedStyle(active);
            const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
            const shadow = style.boxShadow && style.boxShadow !== 'none';
            // The colour an outline is drawn on: the first opaque background around the element (white at the top).
            const rgb = value => (value.match(/[\\d.]+/g) || []).map(Number);
            let behind = [255, 255, 255];
            for (let node = active.parentElement; node; node = node.parentElement) {
                const colour = rgb(getComputedStyle(node).backgroundColor);
                if (colour.length === 3 || (colour.length === 4 && colour[3] === 1)) { behind = colour.slice(0, 3); break; }
            }
            const luminance = c => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
                    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
            const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
            // Chromium draws outline-style auto as its own two-tone ring, visible on any background.
            const contrast = outline && style.outlineStyle !== 'auto' ? ratio(rgb(style.outlineColor).slice(0, 3), behind) : 21;
            return {index: all.indexOf(active), element: active.outerHTML.split('>')[0].substring(0, 160) + '>',
                    indicator: outline ? 'outline ' + style.outlineStyle + ' ' + style.outlineWidth + ' ' + style.outlineColor
                            : shadow ? 'box-shadow ' + style.boxShadow : '',
                    contrast: contrast, focusVisible: active.matches(':focus-visible'), pageFocused: document.hasFocus()};
            """;

    // Indices of the focusable elements a person sees before pressing any key.
    private static final String VISIBLE = """
            return Array.from(document.querySelectorAll(arguments[0])).map((element, index) => {
                const style = getComputedStyle(element);
                const shown = element.getClientRects().length > 0 && style.visibility !== 'hidden';
                return shown ? index : -1;
            }).filter(index => index >= 0);
            """;

    private final WebDriver browser;

    public KeyboardOnly(WebDriver browser) {
        this.browser = browser;
    }

    /**
     * One element the focus stopped at. {@code indicator} is empty when nothing shows the focus; {@code contrast} is
     * the outline colour's contrast ratio against the background around the element (21 for Chromium's own ring).
     */
    public record Stop(int index, String element, String indicator, double contrast, boolean focusVisible, boolean pageFocused) {

        /**
         * A focus indicator that a person sees: drawn (by whatever rule: {@code :focus-visible}, {@code :focus}) and at
         * least 3:1 against its surroundings (WCAG 1.4.11). {@code focusVisible} alone is not enough: Chromium's own
         * ring draws only for {@code :focus-visible}, which it does not always grant.
         */
        public boolean showsFocus() {
            return !indicator.isEmpty() && contrast >= 3.0;
        }

        @Override
        public String toString() {
            return index + " " + element + " [" + (indicator.isEmpty() ? "no indicator" : indicator)
                    + String.format(java.util.Locale.ROOT, ", %.1f:1", contrast) + (focusVisible ? "" : ", not :focus-visible") + (pageFocused ? "" : ", page not focused") + "]";
        }
    }

    /**
     * Puts the focus before the first element of the page, as after loading a page without autofocus, then presses
     * Tab until the focus leaves the page or comes back to the first stop (at most {@code limit} times).
     */
    public List<Stop> tabStops(int limit) {
        startAtTop();
        List<Stop> stops = new ArrayList<>();
        for (int i = 0; i < limit; i++) {
            press(Keys.TAB);
            Stop stop = active();
            if (stop == null || (!stops.isEmpty() && stop.index() == stops.get(0).index())) {
                break;
            }
            stops.add(stop);
        }
        return List.copyOf(stops);
    }

    /**
     * Presses Shift+Tab until {@code count} elements had the focus, or the focus leaves the page after one had it;
     * a first press that leaves the focus outside the page (where {@link #tabStops} ended) is not counted.
     */
    public List<Stop> shiftTabStops(int count) {
        List<Stop> stops = new ArrayList<>();
        for (int i = 0; i < count + 2 && stops.size() < count; i++) {
            shiftTab();
            Stop stop = active();
            if (stop == null) {
                if (!stops.isEmpty()) {
                    break;
                }
            } else {
                stops.add(stop);
            }
        }
        return List.copyOf(stops);
    }

    /** Indices (as in {@link Stop#index()}) of the focusable elements visible before any key is pressed. */
    public List<Integer> visibleFocusable() {
        List<?> indices = (List<?>) ((JavascriptExecutor) browser).executeScript(VISIBLE, FOCUSABLE);
        return indices.stream().map(index -> ((Number) index).intValue()).toList();
    }

    /**
     * Presses Tab (from the top of the page) until the element {@code target} finds has the focus; fails if it is
     * not reached within 80 presses.
     */
    public void tabTo(By target) {
        WebElement wanted = browser.findElement(target);
        startAtTop();
        tabUntil(wanted, 80, "Tab never reaches " + target);
    }

    /** Presses Tab (from where the focus is) until {@code target} has the focus; fails after 20 presses. */
    public void tabOnTo(By target) {
        tabUntil(browser.findElement(target), 20, "Tab from the focused element never reaches " + target);
    }

    private void tabUntil(WebElement wanted, int presses, String failure) {
        for (int i = 0; i < presses; i++) {
            press(Keys.TAB);
            if (wanted.equals(browser.switchTo().activeElement())) {
                return;
            }
        }
        throw new AssertionError(failure + " on " + browser.getCurrentUrl());
    }

    /** Types {@code text} into whatever has the focus. */
    public void type(CharSequence text) {
        new Actions(browser).sendKeys(text).perform();
    }

    /** Presses one key (Tab, Enter, Space, ...) on whatever has the focus. */
    public void press(CharSequence key) {
        new Actions(browser).sendKeys(key).perform();
    }

    /** Presses Shift+Tab. */
    public void shiftTab() {
        new Actions(browser).keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
    }

    /** The element that has the focus now, or {@code null} when it is the page itself. */
    public Stop active() {
        Object value = ((JavascriptExecutor) browser).executeScript(ACTIVE, FOCUSABLE);
        if (!(value instanceof Map<?, ?> map)) {
            return null;
        }
        return new Stop(((Number) map.get("index")).intValue(), String.valueOf(map.get("element")),
                String.valueOf(map.get("indicator")), ((Number) map.get("contrast")).doubleValue(),
                Boolean.TRUE.equals(map.get("focusVisible")), Boolean.TRUE.equals(map.get("pageFocused")));
    }

    // Focusing the body (made focusable for a moment) moves the sequential-navigation starting point to the top.
    private void startAtTop() {
        ((JavascriptExecutor) browser).executeScript("""
                const body = document.body;
                body.setAttribute('tabindex', '-1');
                body.focus();
                body.removeAttribute('tabindex');
                """);
    }
}
