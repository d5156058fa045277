/**
 * @module worker/request/devices
 * What `device` means: the browser window, touch and the user agent. Desktop keeps the worker's
 * own user agent (QUARRY_USER_AGENT); mobile sends a mobile Chrome one, since a site picks its
 * mobile layout by the user agent as often as by the viewport (http mode gets only that part).
 */
import type { Device } from '../../../shared/scrape-options/index.ts';

export interface DeviceProfile {
  viewport: { width: number; height: number; deviceScaleFactor: number; isMobile: boolean; hasTouch: boolean };
  /** Undefined: the worker's configured user agent. */
  userAgent: string | undefined;
}

export const DEVICES: Readonly<Record<Device, DeviceProfile>> = {
  desktop: { viewport: { width: 1280, height: 800, deviceScaleFactor: 1, isMobile: false, hasTouch: false }, userAgent: undefined },
  mobile: {
    viewport: { width: 390, height: 844, deviceScaleFactor: 3, isMobile: true, hasTouch: true },
    userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  },
};
