// Every built-in time-series detector, one line each (kept sorted). Importing this file registers them.
import { registerDetector } from '../registry.ts';
import { AnomalyLikelihoodDetector } from './anomaly-likelihood.ts';
import { Artime } from './artime.ts';
import { ContextualNovelty } from './contextual-novelty.ts';
import { HalfSpaceTrees } from './half-space-trees.ts';
import { LstmAutoencoder } from './lstm-autoencoder.ts';
import { LstmForecaster } from './lstm-forecaster.ts';
import { LstmVae } from './lstm-vae.ts';
import { MatrixProfile } from './matrix-profile.ts';
import { RobustRandomCutForest } from './rrcf.ts';
import { SeasonalResidual } from './seasonal-residual.ts';
import { SpectralResidual } from './spectral-residual.ts';
import { TabularWindows } from './tabular-windows.ts';
import { TcnAutoencoder } from './tcn-autoencoder.ts';
import { TranAd } from './tranad.ts';
import { Usad } from './usad.ts';
import { WindowedGaussian } from './windowed-gaussian.ts';

registerDetector(AnomalyLikelihoodDetector);
registerDetector(Artime);
registerDetector(ContextualNovelty);
registerDetector(HalfSpaceTrees);
registerDetector(LstmAutoencoder);
registerDetector(LstmForecaster);
registerDetector(LstmVae);
registerDetector(MatrixProfile);
registerDetector(RobustRandomCutForest);
registerDetector(SeasonalResidual);
registerDetector(SpectralResidual);
registerDetector(TabularWindows);
registerDetector(TcnAutoencoder);
registerDetector(TranAd);
registerDetector(Usad);
registerDetector(WindowedGaussian);

export { AnomalyLikelihood, logLikelihood } from './anomaly-likelihood.ts';
export { AnomalyLikelihoodDetector, Artime, ContextualNovelty, HalfSpaceTrees, LstmAutoencoder, LstmForecaster, LstmVae, MatrixProfile, RobustRandomCutForest, SeasonalResidual, SpectralResidual, TabularWindows, TcnAutoencoder, TranAd, Usad, WindowedGaussian };
export { ChannelwiseDetector, isStreaming, SeriesDetector, type ChannelModel, type SeriesScores, type StreamingDetector } from './series-detector.ts';
