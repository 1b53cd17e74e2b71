#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright The rigging Authors
"""The showcase backend, end to end: usage `test_showcase.py <showcase executable> <scratch folder>`.

Starts the showcase on a free port with its own data folder, waits until it is ready, writes entities through
the catalog's API and reads them back (also through the scorecard plugin), stops it with SIGTERM and checks
that readiness turned 'not ready' before the server went away, that it exited with 0 and logged its shutdown;
then starts it again and reads the same entities back from the database.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

READINESS = "/.backstage/health/v1/readiness"


def fail(message, log=""):
    print("FAIL: " + message)
    if log:
        print("---- showcase log:\n" + log + "---- end")
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=None):
    """(status, parsed JSON body); status None when nothing answers."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")
    except (urllib.error.URLError, ConnectionError, socket.timeout):
        return None, None


class Showcase:
    def __init__(self, exe, data_dir, log_path, port):
        env = dict(os.environ)
        env["APP_CONFIG_backend_listen_port"] = str(port)
        env["APP_CONFIG_backend_database_directory"] = data_dir
        # Long enough for this test to see readiness report 'not ready' while the server still answers.
        env["APP_CONFIG_backend_lifecycle_serverShutdownDelay"] = "1500"
        self.port = port
        self.log_path = log_path
        self.log_file = open(log_path, "w")
        self.process = subprocess.Popen([exe], stdout=self.log_file, stderr=subprocess.STDOUT, env=env)

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def wait_ready(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                fail(f"the showcase exited with {self.process.returncode} before it was ready", self.log())
            status, _ = request(self.port, "GET", READINESS)
            if status == 200:
                return
            time.sleep(0.05)
        fail("the showcase did not become ready within 60 s", self.log())

    def terminate(self):
        """SIGTERM; returns (exit code, whether readiness said 503 while stopping)."""
        self.process.send_signal(signal.SIGTERM)
        saw_not_ready = False
        while self.process.poll() is None:
            status, body = request(self.port, "GET", READINESS)
            if status == 503 and body == {"status": "error", "message": "Backend is not ready"}:
                saw_not_ready = True
            time.sleep(0.05)
        code = self.process.wait(timeout=30)
        self.log_file.close()
        return code, saw_not_ready


def expect(condition, message, showcase):
    if not condition:
        fail(message, showcase.log())


def main():
    exe, scratch = sys.argv[1], sys.argv[2]
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    data_dir = os.path.join(scratch, "data")

    # First run: write.
    first = Showcase(exe, data_dir, os.path.join(scratch, "first.log"), free_port())
    first.wait_ready()
    petstore = {"kind": "Component", "metadata": {"name": "petstore", "description": "Sells pets"},
                "spec": {"lifecycle": "production", "owner": "team-a"}}
    status, created = request(first.port, "POST", "/api/catalog/entities", petstore)
    expect(status == 201, f"POST petstore answered {status} {created}", first)
    expect(created["metadata"]["namespace"] == "default", f"no default namespace: {created}", first)
    expect(created["metadata"]["annotations"]["rigging.dev/processed-by"] == "validation,default-owner",
           f"the two modules' processors did not both run, in order: {created}", first)
    status, created = request(first.port, "POST", "/api/catalog/entities",
                              {"kind": "API", "metadata": {"name": "pets-api"}})
    expect(status == 201 and created["spec"]["owner"] == "guests",
           f"the default-owner processor did not set the owner: {status} {created}", first)
    status, rejected = request(first.port, "POST", "/api/catalog/entities",
                               {"kind": "Spaceship", "metadata": {"name": "enterprise"}})
    expect(status == 400 and "kind 'Spaceship' is not allowed" in rejected["error"]["message"],
           f"the validation processor did not reject a bad kind: {status} {rejected}", first)
    status, rejected = request(first.port, "POST", "/api/catalog/entities",
                               {"kind": "Component", "metadata": {"name": "bad--name"}})
    expect(status == 400 and "invalid entity name 'bad--name'" in rejected["error"]["message"],
           f"the validation processor did not reject a bad name: {status} {rejected}", first)
    status, listed = request(first.port, "GET", "/api/catalog/entities")
    expect(status == 200 and [e["metadata"]["name"] for e in listed] == ["pets-api", "petstore"],
           f"GET /entities: {status} {listed}", first)
    status, score = request(first.port, "GET", "/api/scorecard/scores/component:default/petstore")
    expect(status == 200 and score["entityRef"] == "component:default/petstore" and score["score"] == 66,
           f"the scorecard could not read the entity through the catalog service: {status} {score}", first)
    code, saw_not_ready = first.terminate()
    log = first.log()
    expect(code == 0, f"the first run exited with {code} after SIGTERM", first)
    expect(saw_not_ready, "readiness never answered 503 during shutdown", first)
    for line in ["Plugin initialization complete", "Listening on http://127.0.0.1:",
                 "Readiness now reports 'not ready'", "HTTP server stopped",
                 "Closed the database of plugin 'catalog'", "showcase: stopped with status 0"]:
        expect(line in log, f"the log lacks '{line}'", first)
    expect(log.index("HTTP server stopped") < log.index("Closed the database of plugin 'catalog'"),
           "the database was closed before the server stopped", first)

    # Second run: the entities are still there.
    second = Showcase(exe, data_dir, os.path.join(scratch, "second.log"), free_port())
    second.wait_ready()
    expect("Catalog holds 2 entities" in second.log(), "the restarted catalog does not hold 2 entities", second)
    status, entity = request(second.port, "GET", "/api/catalog/entities/by-ref/component:default/petstore")
    expect(status == 200 and entity["metadata"]["description"] == "Sells pets" and entity["spec"]["owner"] == "team-a",
           f"petstore after the restart: {status} {entity}", second)
    status, entity = request(second.port, "GET", "/api/catalog/entities/by-ref/api:default/pets-api")
    expect(status == 200, f"pets-api after the restart: {status} {entity}", second)
    status, missing = request(second.port, "GET", "/api/scorecard/scores/component:default/nothing")
    expect(status == 404, f"a missing entity's score answered {status} {missing}", second)
    code, _ = second.terminate()
    expect(code == 0, f"the second run exited with {code} after SIGTERM", second)
    print("showcase test: ok")


if __name__ == "__main__":
    main()
