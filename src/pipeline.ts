/**
 * The library's façade for whole runs of the stages. Text to analysed graph lives in the
 * analyze stage (analyze/source.ts), so the loaders after it can use it too.
 */
export { analyzeSource } from "./analyze/source.js";
