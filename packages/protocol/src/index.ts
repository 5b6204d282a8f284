export * from "./names";
export * from "./messages";
