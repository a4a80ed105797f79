"""`python -m llmwidgets ...` is the `llmwidgets` command."""

from .cli import main

raise SystemExit(main())
