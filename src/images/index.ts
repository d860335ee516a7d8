// Image input: IDX files, folders of PNG / JPEG, resizing and the papers' normalisation.
export { concatImages, formatImageShape, imageSize, sameShape, selectImages, shapeOf, type ImageSet, type ImageShape } from './image-set.ts';
export { decodeIdx, looksLikeIdx, readIdx, readIdxImages, readIdxLabels, type IdxArray } from './idx.ts';
export { decodeImage, isImageFile, IMAGE_EXTENSIONS, type RgbaImage } from './decode.ts';
export { imagesFromRgba, listImageFiles, readImageFolder, type ImageReadOptions } from './folder.ts';
export { resizePlane } from './resize.ts';
export { globalContrastNormalize, minMaxScale, normalizeImages, valueRange, type ContrastNorm } from './normalize.ts';
export { readImages } from './read-images.ts';
export { mapFileStem, mapPng, mapScale } from './heatmap.ts';
