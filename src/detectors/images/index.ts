// Every built-in image detector, one line each (kept sorted). Importing this file registers them.
import { registerDetector } from '../registry.ts';
import { ConvVAE } from './conv-vae.ts';
import { ConvAutoencoderDetector } from './dcae.ts';
import { ImageDeepSVDD } from './deep-svdd.ts';
import { ImageGANomaly } from './ganomaly.ts';
import { ImageOCNN } from './ocnn.ts';
import { ImageRCAE } from './rcae.ts';

registerDetector(ConvAutoencoderDetector);
registerDetector(ConvVAE);
registerDetector(ImageDeepSVDD);
registerDetector(ImageGANomaly);
registerDetector(ImageOCNN);
registerDetector(ImageRCAE);

export { ConvAutoencoderDetector, ConvVAE, ImageDeepSVDD, ImageGANomaly, ImageOCNN, ImageRCAE };
export { ImageDetector, imageOptionShape, isImageDetector, type FrameOptions, type ImageOptions } from './image-detector.ts';
export { resolveImageDetector } from './resolve.ts';
