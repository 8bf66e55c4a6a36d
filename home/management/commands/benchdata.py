from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from home import benchdata


class Command(BaseCommand):
    help = (
        "Write realistic data fast for the benchmark: one polycule of this size (with a newcomer)"
        " and --crowd other small polycules. Into an empty database: it is for make bench."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, default=30, help="0: only the crowd.")
        parser.add_argument("--items", type=int, default=2000)
        parser.add_argument("--versions", type=int, default=40000)
        parser.add_argument("--acks", type=int, default=500000)
        parser.add_argument("--crowd", type=int, default=0, help="How many other, small polycules.")
        parser.add_argument("--seed", type=int, default=11)

    def handle(
        self, *args: Any, members: int, items: int, versions: int, acks: int, crowd: int, seed: int, **options: Any
    ) -> None:
        if members:
            try:
                made = benchdata.generate(
                    members=members, items=items, versions=versions, acks=acks, seed=seed, say=self.stdout.write
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.report("polycule", made)
            self.stdout.write(f"Polycule {made.polycule}: {made.emails[0]} ... {made.emails[-1]}")
            self.stdout.write(f"  benchmark member {made.member}, newcomer {made.newcomer}")
            self.stdout.write(f"  every member's password: {made.password}")
        if crowd:
            self.report(f"crowd of {crowd}", benchdata.crowd(crowd, seed=seed + 1, say=self.stdout.write))

    def report(self, what: str, made: benchdata.Made) -> None:
        self.stdout.write(f"{what}: {made.seconds['total']:.1f} s")
        for name, count in made.counts.items():
            seconds = made.seconds.get(name)
            self.stdout.write(f"  {name:<32} {count:>9}" + (f"  {seconds:6.1f} s" if seconds is not None else ""))
        for name, seconds in made.seconds.items():
            if name not in made.counts and name != "total":
                self.stdout.write(f"  {name:<32} {'':>9}  {seconds:6.1f} s")
