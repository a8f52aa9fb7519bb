"""The core's validation and file messages in the window's language.

The core words its ProjectError messages in English, like torch ("hidden_size: must be at
least 1, got 0"). Field paths, names and numbers stay as they are; the phrases around them
are replaced, one pattern per phrase the core uses (see project_io, spec and exercises).
"""

from __future__ import annotations

import re

from .i18n import current_language

_V = r"(?P<v>.+?)"  # a value, as the core shows it

_ES: tuple[tuple[str, str], ...] = (
    # The Run pane's refusal (core.run_plan.RunPlan.budget_message), whole, before the
    # shorter patterns below could take pieces of it.
    (
        r"this run needs about (?P<need>[\d.]+ \w+) \((?P<bytes>[\d,]+) bytes: weights, "
        r"activations and the hidden state of every layer at every step\), more than the "
        r"memory budget of (?P<budget>[\d.]+ \w+) \((?P<limit>[\d,]+) bytes\); lower batch or "
        r"seq_len, make the blocks smaller, or raise the memory budget",
        r"esta ejecución necesita unos \g<need> (\g<bytes> bytes: pesos, activaciones y el "
        r"estado oculto de cada capa en cada paso), más que el presupuesto de memoria de "
        r"\g<budget> (\g<limit> bytes); baje batch o seq_len, achique los bloques o suba el "
        r"presupuesto de memoria",
    ),
    (
        r"must be a Python identifier \(letters, digits and _, not starting with a digit\), "
        rf"got {_V}(?=$|;|\n)",
        r"debe ser un identificador de Python (letras, dígitos y _, sin empezar por un "
        r"dígito); se recibió \g<v>",
    ),
    (
        r"(?P<name>'[^']*') is a Python keyword; choose another name",
        r"\g<name> es una palabra reservada de Python; elija otro nombre",
    ),
    (
        r"(?P<name>'[^']*') is already an attribute of torch\.nn\.Module; choose another name",
        r"\g<name> ya es un atributo de torch.nn.Module; elija otro nombre",
    ),
    (
        r"(?P<name>'[^']*') is already the name of (?P<where>blocks\[\d+\]); block names must "
        r"be unique",
        r"\g<name> ya es el nombre de \g<where>; los nombres de los bloques deben ser únicos",
    ),
    (
        r"proj_size has to be smaller than hidden_size, got proj_size=(?P<p>\d+) and "
        r"hidden_size=(?P<h>\d+); lower proj_size or set it to 0",
        r"proj_size tiene que ser menor que hidden_size; se recibió proj_size=\g<p> y "
        r"hidden_size=\g<h>; baje proj_size o póngalo en 0",
    ),
    (
        r"final_cell \(c_n\) exists only for lstm blocks; use final_hidden for h_n",
        r"final_cell (c_n) existe solo en bloques lstm; use final_hidden para h_n",
    ),
    (r"must not start with '_', got ", r"no debe empezar por '_'; se recibió "),
    (
        r"must be at most (?P<n>\d+) characters long",
        r"debe tener como máximo \g<n> caracteres",
    ),
    (
        r"must be at most (?P<n>\d+) characters, got (?P<got>\d+)",
        r"debe tener como máximo \g<n> caracteres; tiene \g<got>",
    ),
    (r"must be at least ", r"debe ser al menos "),
    (r"must be at most ", r"debe ser como máximo "),
    (r"must be greater than ", r"debe ser mayor que "),
    (r"must be less than ", r"debe ser menor que "),
    (r"must be an integer", r"debe ser un número entero"),
    (r"must be true or false", r"debe ser true o false"),
    (r"must be a finite number", r"debe ser un número finito"),
    (r"must be a number", r"debe ser un número"),
    (r"must be a string", r"debe ser un texto"),
    (r"must be a list \[\.\.\.\]", r"debe ser una lista [...]"),
    (r"must be an object \{\.\.\.\}", r"debe ser un objeto {...}"),
    (r"must be one of ", r"debe ser uno de "),
    (r"must not be empty", r"no puede estar vacío"),
    (r"is required but missing", r"es obligatorio y falta"),
    (r"unknown field ", r"campo desconocido "),
    (r"; known fields: ", r"; campos conocidos: "),
    (r"unknown block type ", r"tipo de bloque desconocido "),
    (r"unknown signal kind ", r"tipo de señal desconocido "),
    (r"; use one of ", r"; use uno de "),
    (r"\(did you mean (?P<name>'[^']*')\?\)", r"(¿quiso decir \g<name>?)"),
    (r"\.\.\. and (?P<n>\d+) more problems", r"... y \g<n> problemas más"),
    (r"cannot read the file: ", r"no se puede leer el archivo: "),
    (r"No such file or directory", r"no existe el archivo o la carpeta"),
    (r"Permission denied", r"permiso denegado"),
    (r"Is a directory", r"es una carpeta"),
    (
        r"the file is too large to be a project",
        r"el archivo es demasiado grande para ser un proyecto",
    ),
    (
        r"the file is too large to be an exercise",
        r"el archivo es demasiado grande para ser un ejercicio",
    ),
    (
        r"the file is empty; it should hold a JSON project",
        r"el archivo está vacío; debería contener un proyecto JSON",
    ),
    (
        r"is not UTF-8 text \((?P<what>byte 0x[0-9a-f]+) at position (?P<at>\d+)\); a project "
        r"file is JSON text: is this the right file\?",
        r"no es texto UTF-8 (\g<what> en la posición \g<at>); un archivo de proyecto es texto "
        r"JSON: ¿es el archivo correcto?",
    ),
    (
        r"is not valid JSON: line (?P<line>\d+) column (?P<column>\d+): ",
        r"no es JSON válido: línea \g<line>, columna \g<column>: ",
    ),
    (r"is not valid JSON: ", r"no es JSON válido: "),
    (r" \(the file may be cut short\)", r" (puede que el archivo esté cortado)"),
    (
        r"is nested too deeply to be a project file",
        r"está anidado demasiado profundo para ser un archivo de proyecto",
    ),
    (r"must be a JSON object such as ", r"debe ser un objeto JSON como "),
    (r"not an rnnstudio project \(", r"no es un proyecto de rnnstudio ("),
    (r"not an rnnstudio exercise", r"no es un ejercicio de rnnstudio"),
    (r"no format field", r"sin campo format"),
    (r"\); expected ", r"); se esperaba "),
    (r"; expected ", r"; se esperaba "),
    (
        r"this file has format version (?P<v>\d+), written by a newer rnnstudio; this one reads "
        r"version (?P<r>\d+): update rnnstudio to open it",
        r"este archivo tiene la versión de formato \g<v>, escrita por un rnnstudio más nuevo; "
        r"este lee la versión \g<r>: actualice rnnstudio para abrirlo",
    ),
    (r"could not be read as an exercise", r"no se pudo leer como ejercicio"),
    (r"the model has no parameter ", r"el modelo no tiene el parámetro "),
    (r"; it has ", r"; tiene "),
    (r"no such exercise; exercises: ", r"no existe ese ejercicio; ejercicios: "),
    (
        r"no stage (?P<name>'[^']*'); use 'input' or a block name",
        r"no hay etapa \g<name>; use 'input' o un nombre de bloque",
    ),
    (r"(?P<name>'[^']*') is not a recurrent block", r"\g<name> no es un bloque recurrente"),
    (
        r"(?P<name>'[^']*') is not an LSTM, so it has no c_n",
        r"\g<name> no es una LSTM, así que no tiene c_n",
    ),
    (r"(?P<name>'[^']*') is not a softmax block", r"\g<name> no es un bloque softmax"),
    (r"the model has an error: ", r"el modelo tiene un error: "),
    (r", got ", r"; se recibió "),
    # What keeps a stack from training on a task (core.tasks.fit_task).
    (
        r"the input has features (?P<f>\d+) but the (?P<task>\w+) task gives (?P<n>\d+) "
        r"values? per time step \((?P<names>[^)]*)\): set input\.features to (?P<w>\d+)",
        r"la entrada tiene features \g<f> pero la tarea \g<task> da \g<n> valor(es) por paso "
        r"de tiempo (\g<names>): ponga input.features en \g<w>",
    ),
    (
        r"the stack has no recurrent block, so nothing carries information from one time step "
        r"to the next: add an rnn, lstm or gru block(?: before (?P<name>\w+))?",
        r"la pila no tiene bloque recurrente, así que nada lleva información de un paso de "
        r"tiempo al siguiente: agregue un bloque rnn, lstm o gru antes de \g<name>",
    ),
    (
        r" Training would mix up the sequences of a batch with their time steps\.",
        r" El entrenamiento mezclaría las secuencias de un lote con sus pasos de tiempo.",
    ),
    (
        r"(?P<s>\w+) turns the outputs into probabilities that sum to 1, but (?P<task>\w+) is a "
        r"regression task whose outputs are plain numbers: remove (?P=s)",
        r"\g<s> convierte las salidas en probabilidades que suman 1, pero \g<task> es una tarea "
        r"de regresión cuyas salidas son números sin más: quite \g<s>",
    ),
    (r"the task has (?P<n>\d+) classes", r"la tarea tiene \g<n> clases"),
    (
        r"(?P<task>\w+) needs (?P<n>\d+) values? per time step",
        r"\g<task> necesita \g<n> valor(es) por paso de tiempo",
    ),
    (
        r"(?P<b>\w+) has out_features (?P<got>\d+) but ",
        r"\g<b> tiene out_features \g<got> pero ",
    ),
    (
        r"the stack ends with (?P<b>\w+), which gives (?P<got>\d+) values per position "
        r"\((?P<shape>[^)]*)\), but ",
        r"la pila termina con \g<b>, que da \g<got> valores por posición (\g<shape>), pero ",
    ),
    (
        r": add a Linear block with out_features (?P<n>\d+) after (?P<b>\w+)",
        r": agregue un bloque Linear con out_features \g<n> después de \g<b>",
    ),
    (
        r"(?P<s>\w+) normalises over (?P<axis>\S+) \(dim=(?P<dim>-?\d+)\), not over the classes: "
        r"set (?P=s)\.dim to -1 so that its outputs are class probabilities\. Training is not "
        r"affected: it uses the scores before the softmax\.",
        r"\g<s> normaliza sobre \g<axis> (dim=\g<dim>), no sobre las clases: ponga \g<s>.dim "
        r"en -1 para que sus salidas sean probabilidades de clase. El entrenamiento no se ve "
        r"afectado: usa los puntajes antes del softmax.",
    ),
    (
        r"(?P<b>\w+) passes on its final state \(output: (?P<o>\w+)\), laid out "
        r"\[layers×directions, batch, \.\.\.\]; the task needs ",
        r"\g<b> pasa su estado final (output: \g<o>), con forma "
        r"[capas×direcciones, lote, ...]; la tarea necesita ",
    ),
    (r"the stack gives one output per time step", r"la pila da una salida por paso de tiempo"),
    (r"the stack gives one output per sequence", r"la pila da una salida por secuencia"),
    (
        r" but (?P<task>\w+) needs one answer per sequence",
        r" pero \g<task> necesita una respuesta por secuencia",
    ),
    (
        r" but (?P<task>\w+) needs one output per time step",
        r" pero \g<task> necesita una salida por paso de tiempo",
    ),
    (r"one output per time step", r"una salida por paso de tiempo"),
    (r"one answer per sequence", r"una respuesta por secuencia"),
    (
        r"the stack's output (?P<shape>\[[^\]]*\]) has no batch axis: pass 3-D tensors "
        r"\[batch, time, features\] between blocks \(set ",
        r"la salida de la pila \g<shape> no tiene eje de lote: pase tensores de 3 dimensiones "
        r"[lote, tiempo, características] entre bloques (ponga ",
    ),
    (r": set (?P<field>[\w.]+) to (?P<value>[\w-]+)", r": ponga \g<field> en \g<value>"),
    (r"\(set (?P<field>[\w.]+) to (?P<value>[\w-]+)\)", r"(ponga \g<field> en \g<value>)"),
    (r"per time step \(value\)", r"per time step (valor)"),
    (r"por paso de tiempo \(value\)", r"por paso de tiempo (valor)"),
    # Axis names inside a tensor's description: [batch=4, time=30, classes=5].
    (r"(?<=[\[ ])batch=", r"lote="),
    (r"(?<=[\[ ])time=", r"tiempo="),
    (r"(?<=[\[ ])features=", r"características="),
    (r"(?<=[\[ ])hidden=", r"oculto="),
    (r"(?<=[\[ ])classes=", r"clases="),
    (r"(?<=[\[ ])layers×directions=", r"capas×direcciones="),
)

_COMPILED = tuple((re.compile(pattern), replacement) for pattern, replacement in _ES)


def error_text(message: str, lang: str | None = None) -> str:
    """`message` (a ProjectError's text) in `lang` (the window's language when None)."""
    lang = lang or current_language()
    if lang != "es":
        return message
    for pattern, replacement in _COMPILED:
        message = pattern.sub(replacement, message)
    return message
