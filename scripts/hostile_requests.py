"""A seeded run of hostile requests against a running site: every public page type, every filter, every API endpoint.

    python scripts/hostile_requests.py http://127.0.0.1:8000 --requests 10000 --seed 1

Each request takes a public address and fills its query parameters with values people and attackers send: digits
that are not ASCII ("²"), NUL and control characters, very long strings, SQL and HTML fragments, negative and huge
numbers, malformed percent escapes, repeated parameters. It counts answers by status class, server errors (5xx)
and failed connections, prints a summary, and exits non-zero if any request got a 5xx or no answer.
The run is bounded in count and time and sends traffic only to the address given (loopback in the tests).
"""

import argparse
import collections
import random
import sys
import time
from urllib.parse import quote

import requests

HOSTILE_VALUES = [
    "",
    " ",
    "²",
    "١٢",
    "\x00",
    "%00",
    "\x0b",
    "\ud800",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "2018-13-45",
    "' OR 1=1 --",
    '"; DROP TABLE x; --',
    "<script>alert(1)</script>",
    "${7*7}{{7*7}}",
    "../../etc/passwd",
    "%",
    "%zz",
    "§",
    "§§§ 1 - stk.",
    "SEL § 1, stk. 99999",
    "SEL § " + "9" * 200,
    "a" * 5000,
    "æøå " * 300,
    "( ) : & | ! * ~",
    '"uafsluttet',
    "-" * 50,
    "🙂",
]

SEARCH_PARAMS = ["q", "side", "sort", "type", "kommune", "status", "maalgruppe", "fagomraade", "lov", "paragraf"]
SEARCH_PARAMS += ["aar", "tag", "antal"]
API_FILTERS = ["kommune", "status", "maalgruppe", "fagomraade", "lov", "paragraf", "aar", "tag", "page", "antal"]

# (path, parameters it reads): every public page type and list, every API endpoint, feeds and exports.
TARGETS = [
    ("/", []),
    ("/soeg/", SEARCH_PARAMS),
    ("/forsoeg/", SEARCH_PARAMS),
    ("/fremdrift/", ["kommune", "fra", "til", "maalgruppe", "interval"]),
    ("/paragraffer/", ["lov"]),
    ("/paragraffer/{provision}/", []),
    ("/kommuner/", []),
    ("/kommuner/{municipality}/", []),
    ("/viden/", ["type"]),
    ("/tilgaengelighed/", []),
    ("/log-ind/", ["next"]),
    ("/eksport/forsoeg.csv", API_FILTERS),
    ("/eksport/forsoeg.xlsx", API_FILTERS),
    ("/feeds/forsoeg/", []),
    ("/feeds/viden/", []),
    ("/feeds/kommuner/{municipality}/", []),
    ("/feeds/paragraffer/{provision}/", []),
    ("/api/v1/search", SEARCH_PARAMS),
    ("/api/v1/experiments/", API_FILTERS),
    ("/api/v1/experiments/{id}/", []),
    ("/api/v1/provisions/", ["lov", "soegt", "page", "antal"]),
    ("/api/v1/provisions/{id}/", []),
    ("/api/v1/municipalities/", ["page", "antal"]),
    ("/api/v1/municipalities/{id}/", []),
    ("/api/v1/articles/", ["type", "forsoeg", "paragraf", "page", "antal"]),
    ("/api/v1/articles/{id}/", []),
    ("/api/v1/openapi.json", []),
]

PATH_VALUES = {
    "{provision}": ["1", "0", "999999999", "-1", "abc"],
    "{municipality}": ["helsingor", "furesoe", "ukendt", "%C3%A6", "a" * 300],
    "{id}": ["1", "0", "99999999999", "x"],
}


def encode(value: str) -> str:
    """Percent-encode a value as a browser would, except that a few are sent raw to test malformed escapes."""
    if value in {"%", "%zz", "%00"}:
        return value
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def build_url(rng: random.Random, base: str) -> str:
    path, params = rng.choice(TARGETS)
    for placeholder, values in PATH_VALUES.items():
        if placeholder in path:
            path = path.replace(placeholder, rng.choice(values))
    pairs = []
    for name in rng.sample(params, k=min(len(params), rng.randint(0, 4))):
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            pairs.append(f"{name}={encode(rng.choice(HOSTILE_VALUES))}")
    return base.rstrip("/") + path + ("?" + "&".join(pairs) if pairs else "")


def run(base: str, count: int, seed: int, time_limit: float = 1800, verbose: bool = True) -> dict:
    """Send `count` requests (stopping at `time_limit` seconds); return counts and the failing addresses."""
    rng = random.Random(seed)
    session = requests.Session()
    statuses = collections.Counter()
    failures = []
    started = time.monotonic()
    sent = 0
    for _ in range(count):
        if time.monotonic() - started > time_limit:
            break
        url = build_url(rng, base)
        sent += 1
        try:
            response = session.get(url, timeout=30, allow_redirects=False)
        except requests.RequestException as error:
            statuses["no answer"] += 1
            failures.append((url, type(error).__name__))
            continue
        statuses[f"{response.status_code // 100}xx"] += 1
        if response.status_code >= 500:
            failures.append((url, response.status_code))
    elapsed = time.monotonic() - started
    report = {"sent": sent, "seconds": round(elapsed, 1), "statuses": dict(statuses), "failures": failures}
    if verbose:
        print(f"{sent} requests in {elapsed:.0f} s ({sent / max(elapsed, 0.001):.0f}/s), seed {seed}")
        for status, number in sorted(statuses.items()):
            print(f"  {status}: {number}")
        for url, what in failures[:30]:
            print(f"  FAILED {what}: {url[:300]}")
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("--requests", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=1800)
    args = parser.parse_args()
    report = run(args.base_url, args.requests, args.seed, args.time_limit)
    return 1 if report["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
