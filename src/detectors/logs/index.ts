// Every built-in log detector, one line each (kept sorted). Importing this file registers them.
import { registerDetector } from '../registry.ts';
import { DeepLog } from './deeplog.ts';
import { LogAnomaly } from './loganomaly.ts';
import { LogClustering } from './log-clustering.ts';
import { LogIForest } from './log-iforest.ts';
import { LogPCA } from './log-pca.ts';
import { LogRobust } from './logrobust.ts';

registerDetector(DeepLog);
registerDetector(LogAnomaly);
registerDetector(LogClustering);
registerDetector(LogIForest);
registerDetector(LogPCA);
registerDetector(LogRobust);

export { DeepLog, LogAnomaly, LogClustering, LogIForest, LogPCA, LogRobust };
export { matrixToSessions, SequenceDetector, sessionsToMatrix, type KeySequence, type UnexpectedEvent } from './sequence-detector.ts';
