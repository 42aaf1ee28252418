"""How long importing N experiments takes (`make bench-import`, N=10000 unless given).

Runs in a database of its own (the test database with the suffix "bench_import", created and dropped here), so the
development data is never touched. Measures reading the CSV file, the first import (N new experiments, saved as
drafts and submitted for moderation, or published with --publish) and a second import of the same file, which finds
every row unchanged. Prints the figures; it asserts nothing.
"""

import argparse
import csv
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("TEST_DATABASE_SUFFIX", "bench_import")

STATUSES = ("idé", "ansøgt", "godkendt", "igangsat", "midtvejsevalueret", "afsluttet", "evalueret")
REFERENCES = (
    "SEL § 140, stk. 3 (imødekommet)",
    "LAB §§ 27–30 (delvist imødekommet)",
    "SDPL § 13 c, stk. 2",
    "LAB § 68 c (ikke imødekommet)",
    "SEL § 141, stk. 7 (ikke nødvendig)",
)


def generate_csv(count: int) -> bytes:
    from experiments.catalogue import SERVICE_AREAS, TARGET_GROUPS
    from experiments.spreadsheet_format import COLUMNS
    from municipalities.network import MUNICIPALITIES

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(column.heading for column in COLUMNS if column.key != "id")
    for number in range(count):
        municipality = MUNICIPALITIES[number % len(MUNICIPALITIES)]
        partner = MUNICIPALITIES[(number + 1) % len(MUNICIPALITIES)]
        cells = [
            municipality.name,
            f"Forsøg nr. {number + 1}: én plan for borgere med flere sager",
            "Borgere med sager i flere forvaltninger får én fælles plan og én koordinerende sagsbehandler.",
            STATUSES[number % len(STATUSES)],
            f"{1 + number % 28}.{1 + number % 12}.2018",
            "2017-11-01",
            "2020-10-31",
            f"{TARGET_GROUPS[number % len(TARGET_GROUPS)]}; {TARGET_GROUPS[(number + 3) % len(TARGET_GROUPS)]}",
            SERVICE_AREAS[number % len(SERVICE_AREAS)],
            "; ".join(REFERENCES[: 1 + number % len(REFERENCES)]),
            partner.name,
            str(10 + number % 300),
            "Mette Hansen",
            f"forsoeg{number}@{municipality.slug}.dk",
            "Borgere i job: 12 → 19 borgere; Møder pr. borger: 11 → 4,5",
            "Metode: Én fælles plan.\nEffekt: Færre møder.",
            "én plan; koordinering",
            "offentlig" if number % 5 else "netværk",
            f"{municipality.slug[:3].upper()}-{number + 1}",
        ]
        writer.writerow(cells)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=10000)
    parser.add_argument("--publish", action="store_true", help="publish instead of saving drafts for moderation")
    parser.add_argument("--check-only", action="store_true", help="only check the file (a dry run), write nothing")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases
    from tqdm import tqdm

    databases = setup_databases(verbosity=0, interactive=False)
    try:
        from experiments.importing import experiment_import, read_rows
        from experiments.models import ExperimentPage
        from network.setup import setup_network

        setup_network()
        data = generate_csv(args.count)
        print(f"{args.count} rows, {len(data) / 1e6:.1f} MB CSV, database {connection.settings_dict['NAME']}")

        started = time.perf_counter()
        table = read_rows(data, filename="bench.csv")
        read_seconds = time.perf_counter() - started
        print(f"read and split the file: {read_seconds:.2f} s")

        if args.check_only:
            started = time.perf_counter()
            report = experiment_import(rows=table, dry_run=True)
            checked = time.perf_counter() - started
            print(f"checked every row ({len(report.created)} new): {checked:.1f} s, {args.count / checked:.1f} rows/s")
            return

        def progress(plans):
            return tqdm(plans, file=sys.stderr, mininterval=5)

        started = time.perf_counter()
        report = experiment_import(rows=table, publish=args.publish, progress=progress)
        first = time.perf_counter() - started
        mode = "published" if args.publish else "drafts submitted for moderation"
        print(
            f"first import ({len(report.created)} created, {mode}): {first:.1f} s, "
            f"{1000 * first / args.count:.1f} ms per row, {args.count / first:.1f} rows/s"
        )
        assert ExperimentPage.objects.count() == args.count

        started = time.perf_counter()
        report = experiment_import(rows=read_rows(data, filename="bench.csv"), publish=args.publish)
        second = time.perf_counter() - started
        print(f"same file again ({len(report.unchanged)} unchanged): {second:.1f} s, {args.count / second:.1f} rows/s")
    finally:
        connection.close()
        teardown_databases(databases, verbosity=0)


if __name__ == "__main__":
    main()
