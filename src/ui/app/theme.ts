/**
 * Light, dark, or the system's choice. The stylesheet uses CSS `light-dark()` colours, so
 * a theme is just the `color-scheme` the root element declares; "system" follows the OS
 * (and a browser's emulated preference) live.
 */
export type Theme = "light" | "dark" | "system";
const KEY = "tessera.theme";

export function storedTheme(): Theme {
  const v = localStorage.getItem(KEY);
  return v === "light" || v === "dark" ? v : "system";
}

export function applyTheme(theme: Theme): void {
  if (theme === "system") {
    localStorage.removeItem(KEY);
    delete document.documentElement.dataset["theme"];
  } else {
    localStorage.setItem(KEY, theme);
    document.documentElement.dataset["theme"] = theme;
  }
}

export function applyStoredTheme(): void {
  applyTheme(storedTheme());
}
