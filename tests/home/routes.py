from tests.matrix import Route, polycule

ROUTES = [
    Route("home:onboarding", polycule, queries=7),
]
