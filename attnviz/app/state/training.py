"""The training lab's state: the job of this session, the training form, the charts, and the checkpoint name box
(kept while other pages are shown)."""
from attnviz.app.state.base import Key

PAGE = "training"  # its name in attnviz.app.shell.navigation.PAGES
PREFIX = "train"

JOB = Key("train_job")  # this session's TrainingJob (its worker process trains; the board queues it)
FORM = Key("train_form")  # the settings' box (a container: the estimate beside the button follows each change)
START = Key("train_start")
CONFIRM = Key("train_confirm")  # the TrainConfig of a job past an hour, until its second click (or the settings change)
CONFIRM_START, CONFIRM_CANCEL = Key("train_confirm_start"), Key("train_confirm_cancel")
OWNER = Key("train_owner")  # this session's secret token: the checkpoints it saves are its own (shared server)
TASK, ARCHITECTURE, POSITIONAL = Key("train_task"), Key("train_arch"), Key("train_pos")
LAYERS, HEADS, D_MODEL, LENGTH = Key("train_layers"), Key("train_heads"), Key("train_d_model"), Key("train_length")
STEPS, BATCH, LR, EVERY, SEED = Key("train_steps"), Key("train_batch"), Key("train_lr"), Key("train_every"), Key("train_seed")
DEVICE = Key("train_device")
STOP, RESUME, MORE = Key("train_stop"), Key("train_resume"), Key("train_more")
LOSS_CHART, ACCURACY_CHART = Key("train_loss"), Key("train_acc")
FOLLOW, SNAPSHOT = Key("train_follow"), Key("train_snap")
KIND, LAYER = Key("train_kind"), Key("train_layer")
WAS_RUNNING = Key("train_was_running")  # to rerun the whole page once when a job ends
TRY, SAVE, OPEN = Key("train_try"), Key("train_save"), Key("train_open")
SAVED = Key("train_saved")  # the last checkpoint saved: (name, folder, the name as typed when it was saved in its plain form)
NAME = Key("train_name", keep="session")  # the checkpoint name box: what was typed is there on coming back
SUGGESTED = Key("train_name_suggested")  # the free default name the page put in that box
ASK, REPLACE, SAVE_AS = Key("train_ask"), Key("train_replace"), Key("train_save_as")  # a taken name: replace it, or save as


def head_chart(head: int) -> Key:
    return Key(f"train_head_{head}")
