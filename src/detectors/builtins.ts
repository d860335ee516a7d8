// Importing this module registers every built-in detector, modality by modality.
import './tabular/index.ts';
import './timeseries/index.ts';
import './logs/index.ts';
import './images/index.ts';
