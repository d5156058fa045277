/**
 * @module bench/peers/crawlee/chromium-flags
 * The Chromium flags every browser in the bench runs with (the project's standard set).
 */
export const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-gpu', '--disable-dev-shm-usage',
];
