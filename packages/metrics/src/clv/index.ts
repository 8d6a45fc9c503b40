export {
  type BgNbdFit,
  type BgNbdParams,
  bgNbdFitOptionsSchema,
  bgNbdLogLikelihood,
  expectedPurchases,
  expectedPurchasesNewCustomer,
  fitBgNbd,
  probabilityAlive,
} from './bgnbd';
export { type CustomerSummary, summarizeTransactions, type Transaction } from './customer-summary';
export {
  type ClvOptions,
  clvOptionsSchema,
  customerLifetimeValue,
  expectedSpend,
  fitGammaGamma,
  type GammaGammaFit,
  type GammaGammaParams,
  gammaGammaLogLikelihood,
} from './gamma-gamma';
export { type CustomerHistory, type HistoricalClv, historicalClv } from './historical';
export { type Minimum, type NelderMeadOptions, nelderMead } from './optimizer';
export { hyp2f1 } from './special-functions';
