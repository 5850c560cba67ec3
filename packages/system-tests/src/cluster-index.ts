/** Several nodes on PostgreSQL (issue 16); apart from the index because it starts PostgreSQL servers. */
export * from "./cluster.js";
export * from "./cluster-burst.js";
export * from "./cluster-link.js";
