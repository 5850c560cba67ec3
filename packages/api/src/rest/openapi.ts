/** OpenAPI 3.1 of the REST surface, derived from the route table and the same zod schemas it validates with. */
import { z } from "zod";
import { accessOf, type RestRoute } from "./route.js";

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: { code: { type: "string" }, message: { type: "string" }, field: { type: "string" } },
    },
  },
};

function jsonSchema(schema: z.ZodType): unknown {
  // io "input": document what a caller sends, before defaults and transforms.
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
}

function operation(route: RestRoute) {
  const responses: Record<string, unknown> = {
    [String(route.successStatus)]: { description: "Success" },
    "400": { description: "Invalid input; error.field names the field", content: errorJson() },
  };
  if (accessOf(route) !== "anonymous") {
    responses["401"] = { description: "No admin cookie or API token", content: errorJson() };
    responses["403"] = { description: `Needs a token with scope ${accessOf(route)}`, content: errorJson() };
  }
  const parameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({
    name: match[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  for (const name of Object.keys(route.query?.shape ?? {})) {
    const isOptional = route.query?.shape[name]?.safeParse(undefined).success === true;
    parameters.push({ name, in: "query", required: !isOptional, schema: { type: "string" } });
  }
  return {
    summary: `${route.summary} (needs: ${accessOf(route)})`,
    ...(accessOf(route) === "anonymous" ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.multipartFields ? { requestBody: multipartBody(route.multipartFields) } : {}),
    ...(route.requestBody
      ? {
          requestBody: {
            required: true,
            content: {
              [route.bodyType === "multipart" ? "multipart/form-data" : "application/json"]: {
                schema: jsonSchema(route.requestBody),
              },
            },
          },
        }
      : {}),
    responses,
  };
}

function multipartBody(fields: NonNullable<RestRoute["multipartFields"]>) {
  const properties = Object.fromEntries(
    Object.entries(fields).map(([name, field]) => [
      name,
      { type: "string", description: field.description, ...(field.isBinary ? { format: "binary" } : {}) },
    ]),
  );
  const required = Object.entries(fields).flatMap(([name, field]) => (field.isRequired ? [name] : []));
  return {
    required: true,
    content: { "multipart/form-data": { schema: { type: "object", required, properties } } },
  };
}

function errorJson() {
  return { "application/json": { schema: { $ref: "#/components/schemas/Error" } } };
}

export function renderOpenApi(routes: readonly RestRoute[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route) };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Kabar REST API",
      version: "0.1.0",
      description: "One WhatsApp number for automated messages.",
    },
    security: [{ bearerToken: [] }, { adminCookie: [] }],
    components: {
      securitySchemes: {
        bearerToken: { type: "http", scheme: "bearer", description: "An API token from the panel" },
        adminCookie: { type: "apiKey", in: "cookie", name: "kabar_session" },
      },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}
