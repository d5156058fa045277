/**
 * @module edge/index
 * The Worker entry point wrangler deploys.
 */
import { createApp } from './app.ts';

export default createApp();
