// The p13n Web Pixel's entry point: Shopify's runtime calls the function given to
// register() with the pixel API ({analytics, browser, init, settings, customerPrivacy}).
// The Shopify CLI bundles this file and its imports (`shopify app deploy`).
import {register} from '@shopify/web-pixels-extension';

import {startPixel} from './pixel.js';

register(startPixel);
