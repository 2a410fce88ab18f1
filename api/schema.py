"""How the OpenAPI document describes the API's two ways in (drf-spectacular extensions)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`: a key the county section issued (API keys page).",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.SessionAuthentication"
    name = "Session"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "A person's session on the pages; writes need the CSRF token.",
        }


PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details; `errors` lists each invalid value.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "nullable": True},
                    "detail": {"type": "string"},
                    "code": {"type": "string"},
                },
                "required": ["field", "detail", "code"],
            },
        },
        "retry_after": {"type": "integer"},
    },
    "required": ["type", "title", "status", "detail"],
}
ERRORS = {
    "400": "The request is not valid (`errors` says why).",
    "401": "No valid API key (or session).",
    "403": "The account's role does not allow this.",
    "404": "Not found among the records of the account's unit.",
    "429": "Too many requests for this key: wait `Retry-After` seconds.",
}
WRITE_ERRORS = {"413": "The request body is too large."}


def add_problem_responses(result, generator, request, public):
    """Every operation may answer with a problem: say so, with its body, in the document."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    reference = {"$ref": "#/components/schemas/Problem"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            wanted = dict(ERRORS)
            if method in ("post", "put", "patch"):
                wanted.update(WRITE_ERRORS)
            responses = operation.setdefault("responses", {})
            for code, description in wanted.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/problem+json": {"schema": reference}},
                    },
                )
    return result


# The integer ranges Django takes from the database backend (PostgreSQL's int4, SQLite's
# int8): not the API's rules, and they would make the document differ between backends.
BACKEND_LIMITS = {2**15 - 1, -(2**15), 2**31 - 1, -(2**31), 2**63 - 1, -(2**63)}


def drop_backend_integer_limits(result, generator, request, public):
    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "integer":
                for bound in ("maximum", "minimum"):
                    if node.get(bound) in BACKEND_LIMITS:
                        del node[bound]
                if node.get("format") == "int64" and "maximum" not in node:
                    del node["format"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result
