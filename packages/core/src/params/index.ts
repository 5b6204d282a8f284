export * from "./time-expressions";
export * from "./resolve";
export * from "./sql-binding";
