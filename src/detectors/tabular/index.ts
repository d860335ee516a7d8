// Every built-in tabular detector, one line each (kept sorted). Importing this file registers them.
import { registerDetector } from '../registry.ts';
import { AutoEncoder, DenoisingAutoEncoder } from './autoencoder.ts';
import { COPOD } from './copod.ts';
import { ECOD } from './ecod.ts';
import { HBOS } from './hbos.ts';
import { IForest } from './iforest.ts';
import { KNN } from './knn.ts';
import { LODA } from './loda.ts';
import { LOF } from './lof.ts';
import { PCA } from './pca.ts';
import { BetaVAE, VAE } from './vae.ts';

registerDetector(AutoEncoder);
registerDetector(BetaVAE);
registerDetector(COPOD);
registerDetector(DenoisingAutoEncoder);
registerDetector(ECOD);
registerDetector(HBOS);
registerDetector(IForest);
registerDetector(KNN);
registerDetector(LODA);
registerDetector(LOF);
registerDetector(PCA);
registerDetector(VAE);

export { AutoEncoder, DenoisingAutoEncoder };
export { BetaVAE, VAE };
export { COPOD };
export { ECOD };
export { HBOS };
export { IForest };
export { KNN };
export { LODA };
export { LOF };
export { PCA };
