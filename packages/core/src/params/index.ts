export * from "./time-expressions";
export * from "./resolve";
