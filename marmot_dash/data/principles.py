"""The eight Marmot principles (IHE 2010's six plus the two added in 2020-22)."""

from __future__ import annotations

# Colours: the Okabe-Ito colour-blind-safe palette (plus a dark grey), one per principle.
PRINCIPLES: tuple[dict, ...] = (
    {"id": 1, "short_name": "Best start", "colour": "#0072B2",
     "title": "Give every child the best start in life"},
    {"id": 2, "short_name": "Capabilities and control", "colour": "#E69F00",
     "title": "Enable all children, young people and adults to maximise their capabilities "
              "and have control over their lives"},
    {"id": 3, "short_name": "Fair work", "colour": "#009E73",
     "title": "Create fair employment and good work for all"},
    {"id": 4, "short_name": "Standard of living", "colour": "#CC79A7",
     "title": "Ensure a healthy standard of living for all"},
    {"id": 5, "short_name": "Healthy places", "colour": "#56B4E9",
     "title": "Create and develop healthy and sustainable places and communities"},
    {"id": 6, "short_name": "Prevention", "colour": "#D55E00",
     "title": "Strengthen the role and impact of ill-health prevention"},
    {"id": 7, "short_name": "Tackling racism", "colour": "#6B5B95",
     "title": "Tackle racism, discrimination and their outcomes"},
    {"id": 8, "short_name": "Environment and equity", "colour": "#3F6E3F",
     "title": "Pursue environmental sustainability and health equity together"},
)
