//! The OpenAPI description of `POST /optimize`.

use serde_json::{Value, json};

/// Adds `/optimize` and VROOM's error schema to the OpenAPI document `doc`.
pub(crate) fn describe(doc: &mut Value) {
    let point = json!({"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2,
        "description": "[lon, lat]"});
    let windows = json!({"type": "array", "items": {"type": "array", "items": {"type": "integer"},
        "minItems": 2, "maxItems": 2}});
    let amounts =
        json!({"type": "array", "items": {"type": "integer", "minimum": 0}, "maxItems": 4});
    let step = json!({"type": "object", "required": ["id"], "properties": {
        "id": {"type": "integer"}, "description": {"type": "string"}, "location": point,
        "location_index": {"type": "integer"}, "setup": {"type": "integer"},
        "service": {"type": "integer"}, "time_windows": windows}});
    let problem = json!({"type": "object", "required": ["vehicles"], "properties": {
        "jobs": {"type": "array", "items": {"type": "object", "required": ["id"], "properties": {
            "id": {"type": "integer"}, "description": {"type": "string"}, "location": point,
            "location_index": {"type": "integer"}, "setup": {"type": "integer"},
            "service": {"type": "integer"}, "delivery": amounts, "pickup": amounts,
            "skills": {"type": "array", "items": {"type": "integer"}},
            "priority": {"type": "integer", "minimum": 0, "maximum": 100},
            "time_windows": windows}}},
        "shipments": {"type": "array", "items": {"type": "object", "required": ["pickup", "delivery"],
            "properties": {"pickup": step, "delivery": step, "amount": amounts,
            "skills": {"type": "array", "items": {"type": "integer"}},
            "priority": {"type": "integer", "minimum": 0, "maximum": 100}}}},
        "vehicles": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["id"], "properties": {
            "id": {"type": "integer"}, "profile": {"type": "string", "default": "car"},
            "description": {"type": "string"}, "start": point, "start_index": {"type": "integer"},
            "end": point, "end_index": {"type": "integer"}, "capacity": amounts,
            "skills": {"type": "array", "items": {"type": "integer"}},
            "time_window": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
            "breaks": {"type": "array", "items": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "integer"}, "time_windows": windows, "service": {"type": "integer"},
                "description": {"type": "string"}}}},
            "max_tasks": {"type": "integer"}, "max_travel_time": {"type": "integer"},
            "max_distance": {"type": "integer"},
            "speed_factor": {"type": "number", "exclusiveMinimum": 0, "maximum": 5},
            "costs": {"type": "object", "properties": {"fixed": {"type": "integer"},
                "per_hour": {"type": "integer", "default": 3600}, "per_km": {"type": "integer"}}}}}},
        "matrices": {"type": "object", "additionalProperties": {"type": "object", "properties": {
            "durations": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
            "distances": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}}}},
            "description": "Custom matrices by profile (then every place is a location_index)."},
        "options": {"type": "object", "properties": {
            "g": {"type": "boolean", "description": "Add each route's geometry (polyline, precision 5) along the roads."},
            "c": {"type": "boolean", "description": "Plan mode (VROOM's -c): schedule the vehicles' steps as fixed routes and report their violations; no optimisation."},
            "timeout": {"type": "number", "description": "vmeste: search budget in seconds."}}}},
        "description": "VROOM's problem (VROOM-Project/vroom docs/API.md), unchanged. vehicles[].steps give the starting routes (solving mode; a route that cannot be driven is refused in VROOM's words), or with options.c the fixed routes of plan mode: each step's arrival, waiting_time, duration, load and violations (lead_time, delay, load, max_tasks, skills, precedence, missing_break, max_travel_time, max_distance) at step, route and summary level, honouring the steps' service_at/service_after/service_before; tasks in no steps are unassigned (reason not_in_plan). matrices.*.costs (custom cost matrices, with location_index) are the objective: a route costs its vehicle's fixed cost plus its legs' costs. Refused with code 2, by field: service_at/service_after/service_before outside plan mode, a vehicle's max_distance or a per_hour other than 3600 on custom costs, breaks[].max_load, setup on tasks sharing a location with another task or a vehicle start."});
    let op = json!({"post": {
    "summary": "Solve a VROOM problem on the road graphs (one per vehicle profile) and answer in VROOM's shape.",
    "description": "Coordinates become matrices on the graph of each vehicle's profile; points off the roads or unreachable make their tasks unassigned, never the request fail. Every unassigned entry has vmeste's extra `reason`: {code: no_vehicle_with_skills | over_capacity | no_road_nearby | unreachable | time_window | shift_too_short | max_tasks | max_distance | max_travel_time | no_room_in_plan | not_in_plan, message, (earliest_arrival, vehicle for time_window; vehicles for limits)}. `summary.computing_times.matrices` is vmeste's too.",
    "parameters": [{"name": "timeout", "in": "query", "required": false, "schema": {"type": "number"},
        "description": "Search budget in seconds when options.timeout is not given (default 1; capped by the server's request timeout)."}],
    "requestBody": {"required": true, "content": {"application/json": {"schema": problem}}},
    "responses": {
        "200": {"description": "VROOM's solution: code 0, summary, unassigned, routes with steps.", "content": {"application/json": {"schema": {"type": "object"}}}},
        "400": {"description": "Input (2) or routing (3) error.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/VroomError"}}}},
        "413": {"description": "Body past the server's limit (code 2).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/VroomError"}}}},
        "500": {"description": "Internal error (code 1).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/VroomError"}}}},
        "503": {"description": "As many solves as the server allows are running (code 1); retry.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/VroomError"}}}}
    }}});
    doc["paths"]["/optimize"] = op;
    doc["components"]["schemas"]["VroomError"] = json!({"type": "object", "required": ["code", "error"],
        "properties": {"code": {"type": "integer", "enum": [1, 2, 3]}, "error": {"type": "string"}}});
}
