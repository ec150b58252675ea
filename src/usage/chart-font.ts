/**
 * The font the usage chart draws with. why: @napi-rs/canvas draws no text without a font, and a host may have no
 * system fonts at all; the dejavu-fonts-ttf package ships one with the install, so charts look the same everywhere.
 */
import { createRequire } from 'node:module';

export const PACKAGED_CHART_FONT = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
