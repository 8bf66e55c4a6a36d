from tests.matrix import Route, polycule

ROUTES = [
    Route("home:onboarding", polycule, queries=4),
    Route("home:timeline", polycule, queries=8),
    Route("home:agreements_print", polycule, queries=9),
]
