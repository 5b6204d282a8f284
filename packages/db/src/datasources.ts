// Data source access for sql tasks (workers) and the data source API (web): password crypto and drivers.
export * from "./datasource-crypto";
export * from "./datasource-client";
