/** The opset written: the first with HardSwish; every other op used has its opset-13 form. */
export const OPSET = 14;
