"""A task for the worker tests: it needs nothing but the queue, so it shows the worker itself runs."""

from django.tasks import task


@task
def echo(word: str) -> str:
    """Returns `word`, which the worker stores as the task's result."""
    return word
