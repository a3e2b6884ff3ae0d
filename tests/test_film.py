"""The training film: frames dense early, long enough to watch, accessible controls."""

import re

import numpy as np
import pytest

from mlp_by_hand import History, film_steps, generate_data, learn, multilayer_perceptron
from mlp_by_hand.plotting import animate_training, animation_html, plot_snapshots

SHEET_INIT = np.array([-0.1, 1, 0, 0.1, 1, 0, -0.1, -0.1, 0])


def test_film_steps_are_dense_early_and_end_at_the_last_step():
    steps = film_steps(15000, 90)
    assert steps[0] == 0 and steps[-1] == 15000
    assert steps == sorted(set(steps)) and len(steps) == 90
    gaps = np.diff(steps)
    assert np.all(np.diff(gaps) >= -1)  # gaps never shrink (up to rounding)
    assert gaps[0] < 10 and gaps[-1] > 300
    assert steps[10] < 300  # a tenth of the frames within the first 2 % of the run


@pytest.mark.parametrize("n", [0, 1, 5])
def test_film_steps_of_short_runs(n):
    steps = film_steps(n, 90)
    assert steps[0] == 0 and steps[-1] == n and steps == sorted(set(steps))


@pytest.mark.parametrize("bad", [1, 0, 2.5, True])
def test_film_steps_rejects_bad_frame_counts(bad):
    with pytest.raises(ValueError, match="n_frames"):
        film_steps(100, bad)


@pytest.fixture(scope="module")
def film():
    data = generate_data(100, seed=0)
    history = History(at=film_steps(60, 12))
    learn(data, SHEET_INIT, multilayer_perceptron, nsteps=60, lr=0.05, history=history)
    anim = animate_training(
        data, multilayer_perceptron, history, hidden_lines=True, describe=lambda s: "Extra."
    )
    return history, anim, animation_html(anim)


def test_one_frame_per_recorded_step_and_one_alt_text_each(film):
    history, anim, _ = film
    assert anim.frame_steps == [f.step for f in history.frames] == film_steps(60, 12)
    assert len(anim.frame_alts) == len(history.frames)
    for alt, frame in zip(anim.frame_alts, history.frames, strict=True):
        assert f"step {frame.step}," in alt and f"risk {frame.risk:.4f}" in alt
        assert alt.endswith("Extra.")


def test_html_is_offline_and_accessible(film):
    _, anim, html = film
    assert "font-awesome" not in html and "http" not in html.replace("http-equiv", "")
    anim_id = re.search(r'<img id="_anim_img(\w+)"', html).group(1)
    # the image has alt text, the slider a label, and every button a name
    assert re.search(rf'<img id="_anim_img{anim_id}" alt="Frame 1 of \d+, step 0,', html)
    assert f'<label class="anim-slider-label" for="_anim_slider{anim_id}">' in html
    assert re.search(rf'<input id="_anim_slider{anim_id}" type="range"', html)
    buttons = re.findall(r"<button([^>]*)>", html)
    assert len(buttons) == 9
    assert all(re.search(r'aria-label="[^"]+"', b) for b in buttons)
    assert '<i class="fa' not in html  # icons became text, hidden from screen readers
    # the script keeps the alt text in step with the frame
    assert "img.alt = alts[this.current_frame]" in html
    assert html.count("data:image/jpeg;base64") == len(anim.frame_alts)


def test_film_without_frames_says_how_to_get_them():
    with pytest.raises(ValueError, match="History"):
        animate_training(generate_data(20, seed=0), multilayer_perceptron, History())


def test_snapshots_in_rows(film):
    history, _, _ = film
    data = generate_data(100, seed=0)
    fig = plot_snapshots(data, multilayer_perceptron, history, size=2, ncols=3)
    visible = [ax for ax in fig.axes if ax.axison]
    assert len(visible) == len(history.snapshots) == 5
    assert len(fig.axes) == 6  # two rows of three, the last slot empty


def test_the_html_shows_itself_in_a_notebook(film):
    _, _, html = film
    assert isinstance(html, str)
    assert html._repr_html_() == str(html)
    assert "<video" not in html and "<img" in html
