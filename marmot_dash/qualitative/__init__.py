"""The qualitative material: stakeholder themes (``themes``) and coded interview excerpts
(``excerpts``) that the pages set beside the numbers."""
