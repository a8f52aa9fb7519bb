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
