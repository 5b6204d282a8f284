export * from "./enums";
export * from "./auth";
export * from "./project";
export * from "./runtime";
