export { DEFAULT_LSTM_CONFIG, lstmConfig, validateLstmConfig } from './config.ts';
export type { LstmConfig } from './config.ts';
export type { SequenceSet } from './batches.ts';
export { LstmModel } from './model.ts';
export type { LstmArchitecture } from './model.ts';
export { trainLstm } from './train.ts';
export type { LstmEpoch, LstmTrainCallbacks, LstmTrainResult } from './train.ts';
export { LSTM_SCHEMA, MODEL_FILE, WEIGHTS_FILE } from './files.ts';
