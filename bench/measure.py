"""Load each page with wrk as the role that uses it, and compare with its goal.

Run by bench/run, which starts gunicorn and seeds the volume. The goals are for the reference
machine (2 cores) with BENCH_CONNECTIONS concurrent users: each page's 90th percentile
latency, and no error response at all.
"""

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request

BASE = f"http://127.0.0.1:{os.environ.get('BENCH_PORT', '8100')}"
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
PASSWORD = "botp-demo-2026"

# (role's demo account, path, goal for the 90th percentile in ms). "{case}" is a case the
# psychologist sees, taken from the API. Lists paginate, so none of these should grow with
# the number of cases; the export streams every case and has a goal of its own.
PAGES = [
    ("psychologist", "/dashboard/", 300),
    ("psychologist", "/diagnosis/review/", 300),
    ("psychologist", "/cases/{case}/", 300),
    ("psychologist", "/evaluation/outcomes/", 800),
    ("psychologist", "/api/v1/cases/", 300),
    ("admin", "/dashboard/", 300),
    ("admin", "/intake/review/", 300),
    ("referrer", "/dashboard/", 300),
    ("referrer", "/intake/requests/", 300),
    ("btp", "/dashboard/", 300),
    ("researcher", "/evaluation/outcomes/export.csv", 3000),
]

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def log_in(role):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{BASE}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"login": f"{role}@demo.botp.be", "password": PASSWORD,
                                   "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(f"{BASE}/accounts/login/", data=data,
                                     headers={"Referer": f"{BASE}/accounts/login/"})
    landed = opener.open(request).geturl()
    if "/accounts/login/" in landed:
        sys.exit(f"could not log in as {role}@demo.botp.be")
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return opener, cookie


def percentile_ms(output, percent):
    match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    return float(match.group(1)) * UNITS[match.group(2)]


def run_wrk(url, cookie):
    output = subprocess.run(
        ["wrk", "--latency", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{SECONDS}s",
         "--timeout", "10s", "-H", f"Cookie: {cookie}", url],
        check=True, capture_output=True, text=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", output)
    return {
        "p50": percentile_ms(output, 50), "p90": percentile_ms(output, 90),
        "p99": percentile_ms(output, 99),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
    }


def main():
    sessions = {role: log_in(role) for role in {role for role, _, _ in PAGES}}
    listing = json.load(sessions["psychologist"][0].open(f"{BASE}/api/v1/cases/"))
    print(f"{listing['count']} cases visible to the psychologist; {CONNECTIONS} connections, "
          f"{SECONDS} s per page\n")
    case = listing["results"][0]["reference"]
    print(f"{'role':<13} {'page':<34} {'p50':>8} {'p90':>8} {'p99':>8} {'req/s':>7} "
          f"{'goal p90':>9}  result")
    missed = 0
    for role, path, goal in PAGES:
        path = path.format(case=case)
        result = run_wrk(BASE + path, sessions[role][1])
        ok = result["p90"] <= goal and not result["errors"] and not result["timeouts"]
        missed += not ok
        problems = "" if ok else (f"  ({result['errors']} errors, {result['timeouts']} "
                                  f"timeouts)" if result["errors"] or result["timeouts"] else "")
        print(f"{role:<13} {path:<34} {result['p50']:>6.0f}ms {result['p90']:>6.0f}ms "
              f"{result['p99']:>6.0f}ms {result['rps']:>7.1f} {goal:>7}ms  "
              f"{'ok' if ok else 'MISSED'}{problems}")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
