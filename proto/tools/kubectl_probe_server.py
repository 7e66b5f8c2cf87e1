#!/usr/bin/env python3
"""A tiny fake API server on 127.0.0.1 that saves the request bodies kubectl POSTs, to capture real protobuf bodies.

Usage: kubectl_probe_server.py <port> <out dir>
Each POST body is saved as <out dir>/<n>-<last path segments>.pb (plus .ctype with its Content-Type). The answers are
just enough for kubectl to go on: /version says 1.32, legacy discovery lists a few resources, and a POST gets a small
JSON object of the kind kubectl expects (so that it prints "created").
"""
import json, os, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, OUT = int(sys.argv[1]), sys.argv[2]
os.makedirs(OUT, exist_ok=True)
COUNTER = [0]

# resource -> (apiVersion, kind) of the object a POST to it returns.
KINDS = {
    "namespaces": ("v1", "Namespace"), "configmaps": ("v1", "ConfigMap"), "secrets": ("v1", "Secret"),
    "services": ("v1", "Service"), "serviceaccounts": ("v1", "ServiceAccount"), "resourcequotas": ("v1", "ResourceQuota"),
    "token": ("authentication.k8s.io/v1", "TokenRequest"),
    "deployments": ("apps/v1", "Deployment"), "jobs": ("batch/v1", "Job"), "cronjobs": ("batch/v1", "CronJob"),
    "roles": ("rbac.authorization.k8s.io/v1", "Role"), "rolebindings": ("rbac.authorization.k8s.io/v1", "RoleBinding"),
    "clusterroles": ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    "clusterrolebindings": ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
    "poddisruptionbudgets": ("policy/v1", "PodDisruptionBudget"),
    "priorityclasses": ("scheduling.k8s.io/v1", "PriorityClass"), "ingresses": ("networking.k8s.io/v1", "Ingress"),
    "selfsubjectaccessreviews": ("authorization.k8s.io/v1", "SelfSubjectAccessReview"),
    "selfsubjectrulesreviews": ("authorization.k8s.io/v1", "SelfSubjectRulesReview"),
    "selfsubjectreviews": ("authentication.k8s.io/v1", "SelfSubjectReview"),
}

CORE_RESOURCES = [
    {"name": "pods", "singularName": "pod", "namespaced": True, "kind": "Pod", "verbs": ["create", "get", "list"]},
    {"name": "namespaces", "singularName": "namespace", "namespaced": False, "kind": "Namespace", "verbs": ["create", "get"]},
    {"name": "secrets", "singularName": "secret", "namespaced": True, "kind": "Secret", "verbs": ["create", "get"]},
    {"name": "serviceaccounts", "singularName": "serviceaccount", "namespaced": True, "kind": "ServiceAccount",
     "verbs": ["create", "get"]},
]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, code, obj):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/version":
            self.answer(200, {"major": "1", "minor": "32", "gitVersion": "v1.32.0"})
        elif path == "/api":
            self.answer(200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []})
        elif path == "/apis":
            self.answer(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
                {"name": "apps", "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
                 "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"}}]})
        elif path == "/apis/apps/v1":
            self.answer(200, {"kind": "APIResourceList", "groupVersion": "apps/v1", "resources": [
                {"name": "deployments", "singularName": "deployment", "namespaced": True, "kind": "Deployment",
                 "verbs": ["create", "get", "list"]}]})
        elif path == "/api/v1":
            self.answer(200, {"kind": "APIResourceList", "groupVersion": "v1", "resources": CORE_RESOURCES})
        else:
            self.answer(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound",
                              "code": 404, "message": "not found"})

    def do_POST(self):
        path = self.path.split("?")[0]
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        COUNTER[0] += 1
        name = "%02d-%s" % (COUNTER[0], "-".join(path.strip("/").split("/")[-2:]))
        with open(os.path.join(OUT, name + ".pb"), "wb") as f:
            f.write(body)
        with open(os.path.join(OUT, name + ".ctype"), "w") as f:
            f.write(self.headers.get("Content-Type", "") + "\n")
        resource = path.rstrip("/").split("/")[-1]
        api_version, kind = KINDS.get(resource, ("v1", "Status"))
        obj = {"apiVersion": api_version, "kind": kind, "metadata": {"name": "captured"}}
        if kind == "SelfSubjectAccessReview":
            obj["status"] = {"allowed": True}
        if kind == "TokenRequest":
            obj["status"] = {"token": "captured-token", "expirationTimestamp": "2030-01-01T00:00:00Z"}
        if kind == "SelfSubjectReview":
            obj["status"] = {"userInfo": {"username": "captured"}}
        self.answer(201, obj)

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.command, self.path))


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
