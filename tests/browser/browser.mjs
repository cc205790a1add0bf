// Debian's chromium driven by Playwright, shared by the page's tests and its benchmark.

import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.VMESTE_CHROMIUM ?? '/usr/bin/chromium';
/**
 * The same flags for every run. Without a GPU, WebGL runs on SwiftShader (the CPU), and
 * `--disable-gpu-rasterization` paints the page itself (text, the list) by Chrome's software
 * rasterizer, as Chrome does on a machine whose GPU it does not use, instead of through the
 * emulated GPU, where repainting the list took longer than the map's frame.
 * VMESTE_CHROMIUM_FLAGS adds more (space-separated), to try one.
 */
const ARGS = [
  '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-gpu-rasterization',
  ...(process.env.VMESTE_CHROMIUM_FLAGS ?? '').split(' ').filter(Boolean),
];

/**
 * A fresh browser: Playwright gives each launch a new temporary user-data-dir, and each
 * `newContext()` is isolated (its own storage), like a second person's browser.
 */
export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/**
 * Watches a page: every console error and uncaught exception lands in `errors` unless
 * `allowed(text, url)` says it is expected (a refused call the test provokes).
 */
export function watch(page, allowed = () => false) {
  const errors = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const url = m.location()?.url ?? '';
    if (!allowed(m.text(), url)) errors.push(`console: ${m.text()} (${url})`);
  });
  page.on('pageerror', (e) => errors.push(`exception: ${e.message}`));
  return errors;
}

/** Whether a console error is the browser's note of a base-map tile the server lacks. */
export function missingTiles(text, url) {
  return /Failed to load resource/.test(text) && /\/tiles\//.test(url);
}
