"""The HTTP API without Azure Functions: requests, views, the route table and its handlers."""
