"""The harness itself: a tiny notebook of our own, run in JupyterLab and shown by Voilà."""

from __future__ import annotations

import re

from browser_harness import ANSWER_WAIT_MS, FIXTURES, Server, open_in_lab, run_all_in_lab


def test_lab_runs_a_notebook_and_a_widget_round_trips_through_the_kernel(lab: Server, new_tab):
    tab = new_tab()
    path = open_in_lab(lab, tab, FIXTURES / "trivial.ipynb")
    state = run_all_in_lab(tab, path)
    assert state["prompts"] == ["[1]:", "[2]:"]
    page = tab.page
    printed = page.locator(".jp-OutputArea-output", has_text="answer=").first.inner_text()
    assert re.fullmatch(r"answer=42 pid=\d+", printed.strip())
    # typing goes to the kernel, which answers with the text reversed
    page.get_by_label("Echo").fill("cognito")
    assert page.locator("b", has_text="echo:").inner_text(timeout=ANSWER_WAIT_MS) == "echo:otingoc"
    assert tab.blocked == []  # Lab asked nothing of any other host


def test_voila_shows_outputs_without_code_and_widgets_work(voila: Server, new_tab):
    tab = new_tab()
    page = tab.page
    page.goto(f"{voila.base_url}/voila/render/trivial.ipynb")
    page.get_by_label("Echo").wait_for(state="visible", timeout=90_000)
    body = page.locator("body").inner_text()
    assert re.search(r"answer=42 pid=\d+", body)
    assert "6 * 7" not in body  # Voilà hides the code
    page.get_by_label("Echo").fill("voila")
    assert page.locator("b", has_text="echo:").inner_text(timeout=ANSWER_WAIT_MS) == "echo:aliov"
