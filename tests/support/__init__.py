"""Helpers the tests share: a loopback OpenAI-shaped server, OpenAI's schemas as validators,
real JupyterLab in Chromium, a frontend stand-in for widgets. On pytest's `pythonpath`, so
every test imports them one way: `from support.loopback import LoopbackServer`."""
