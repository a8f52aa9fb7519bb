<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es" sourcelanguage="en">
<context>
    <name>BlockPropertiesPane</name>
    <message>
        <source>Point at a field to read what it means.</source>
        <translation>Señale un campo para leer qué significa.</translation>
    </message>
    <message>
        <source>The stack is empty. Add a block with the buttons of the Stack pane.</source>
        <translation>La pila está vacía. Agregue un bloque con los botones del panel Pila.</translation>
    </message>
    <message>
        <source>No block selected</source>
        <translation>Ningún bloque seleccionado</translation>
    </message>
    <message>
        <source>Not analysed: {block} above has an error; its shapes show once it is fixed.</source>
        <translation>Sin analizar: {block}, más arriba, tiene un error; sus formas aparecen cuando se corrija.</translation>
    </message>
</context>
<context>
    <name>Classroom</name>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Idioma</translation>
    </message>
    <message>
        <source>The system&apos;s language</source>
        <translation>El idioma del sistema</translation>
    </message>
</context>
<context>
    <name>CompareDialog</name>
    <message>
        <source>Gates (blocks of rows in each weight)</source>
        <translation>Compuertas (bloques de filas en cada peso)</translation>
    </message>
    <message>
        <source>Parameters of {block}</source>
        <translation>Parámetros de {block}</translation>
    </message>
    <message>
        <source>Total parameters of the model</source>
        <translation>Parámetros totales del modelo</translation>
    </message>
    <message>
        <source>What {block} passes on</source>
        <translation>Lo que {block} pasa al siguiente</translation>
    </message>
    <message>
        <source>State returned with y</source>
        <translation>Estado devuelto junto con y</translation>
    </message>
    <message>
        <source>Output of the model</source>
        <translation>Salida del modelo</translation>
    </message>
    <message>
        <source>Compare {block} as RNN, GRU and LSTM</source>
        <translation>Comparar {block} como RNN, GRU y LSTM</translation>
    </message>
    <message>
        <source>The same settings for {block} (hidden_size {hidden}, num_layers {layers}, bidirectional {bidirectional}) in each recurrent type; the column of its current type is in bold.</source>
        <translation>Los mismos ajustes de {block} (hidden_size {hidden}, num_layers {layers}, bidirectional {bidirectional}) en cada tipo recurrente; la columna de su tipo actual está en negrita.</translation>
    </message>
    <message>
        <source>GRU has 3 gates and LSTM 4, so their weights have 3× and 4× the rows of an RNN&apos;s. Only the LSTM returns a cell state c besides h.</source>
        <translation>La GRU tiene 3 compuertas y la LSTM 4, así que sus pesos tienen 3× y 4× las filas de los de una RNN. Solo la LSTM devuelve, además de h, un estado de celda c.</translation>
    </message>
    <message>
        <source>The block&apos;s current type</source>
        <translation>El tipo actual del bloque</translation>
    </message>
</context>
<context>
    <name>DiagramPane</name>
    <message>
        <source>Architecture</source>
        <translation>Arquitectura</translation>
    </message>
    <message>
        <source>&amp;Compare RNN, GRU and LSTM…</source>
        <translation>&amp;Comparar RNN, GRU y LSTM…</translation>
    </message>
    <message>
        <source>The selected recurrent block as RNN, GRU and LSTM side by side (Ctrl+K)</source>
        <translation>El bloque recurrente seleccionado como RNN, GRU y LSTM, lado a lado (Ctrl+K)</translation>
    </message>
    <message>
        <source>Nothing to compare</source>
        <translation>Nada que comparar</translation>
    </message>
    <message>
        <source>Add an RNN, GRU or LSTM block first.</source>
        <translation>Primero agregue un bloque RNN, GRU o LSTM.</translation>
    </message>
    <message>
        <source>Architecture diagram</source>
        <translation>Diagrama de la arquitectura</translation>
    </message>
    <message>
        <source>input x</source>
        <translation>entrada x</translation>
    </message>
    <message>
        <source>{features} features</source>
        <translation>{features} características</translation>
    </message>
    <message>
        <source>Not analysed: {block} above has an error.</source>
        <translation>Sin analizar: {block}, más arriba, tiene un error.</translation>
    </message>
    <message>
        <source>output</source>
        <translation>salida</translation>
    </message>
    <message>
        <source>The stack is empty.</source>
        <translation>La pila está vacía.</translation>
    </message>
    <message>
        <source>Each arrow carries the tensor&apos;s shape. Click a box to select it.</source>
        <translation>Cada flecha lleva la forma del tensor. Haga clic en una caja para seleccionarla.</translation>
    </message>
    <message>
        <source>Compare RNN, GRU, LSTM…</source>
        <translation>Comparar RNN, GRU, LSTM…</translation>
    </message>
    <message>
        <source>The selected recurrent block as RNN, GRU and LSTM side by side: parameters, outputs and state</source>
        <translation>El bloque recurrente seleccionado como RNN, GRU y LSTM, lado a lado: parámetros, salidas y estado</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <source>RNN Studio projects (*{suffix});;All files (*)</source>
        <translation>Proyectos de RNN Studio (*{suffix});;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Cambios sin guardar</translation>
    </message>
    <message>
        <source>Save the changes to “{name}”?</source>
        <translation>¿Guardar los cambios de “{name}”?</translation>
    </message>
    <message>
        <source>Without saving, the changes are lost.</source>
        <translation>Si no los guarda, los cambios se pierden.</translation>
    </message>
    <message>
        <source>Open project</source>
        <translation>Abrir proyecto</translation>
    </message>
    <message>
        <source>Save project as</source>
        <translation>Guardar proyecto como</translation>
    </message>
    <message>
        <source>Restore unsaved work?</source>
        <translation>¿Recuperar el trabajo sin guardar?</translation>
    </message>
    <message>
        <source>RNN Studio did not close normally. Restore the unsaved “{name}”?</source>
        <translation>RNN Studio no se cerró normalmente. ¿Recuperar “{name}”, que no estaba guardado?</translation>
    </message>
    <message>
        <source>Its file: {path}</source>
        <translation>Su archivo: {path}</translation>
    </message>
    <message>
        <source>It had not been saved to a file yet.</source>
        <translation>Todavía no se había guardado en un archivo.</translation>
    </message>
    <message>
        <source>Autosaved at {time}.</source>
        <translation>Guardado automáticamente a las {time}.</translation>
    </message>
    <message>
        <source>&amp;Restore</source>
        <translation>&amp;Recuperar</translation>
    </message>
    <message>
        <source>&amp;Discard</source>
        <translation>&amp;Descartar</translation>
    </message>
    <message>
        <source>Ask &amp;later</source>
        <translation>Preguntar &amp;más tarde</translation>
    </message>
    <message>
        <source>Choose the input signal&apos;s CSV file</source>
        <translation>Elija el archivo CSV de la señal de entrada</translation>
    </message>
    <message>
        <source>CSV files (*.csv *.txt);;All files (*)</source>
        <translation>Archivos CSV (*.csv *.txt);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Export the run&apos;s arrays</source>
        <translation>Exportar los arreglos de la ejecución</translation>
    </message>
    <message>
        <source>NumPy arrays (*.npz);;All files (*)</source>
        <translation>Arreglos de NumPy (*.npz);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Choose a folder for the CSV files</source>
        <translation>Elija una carpeta para los archivos CSV</translation>
    </message>
    <message>
        <source>Open exercise</source>
        <translation>Abrir ejercicio</translation>
    </message>
    <message>
        <source>Save exercise as</source>
        <translation>Guardar ejercicio como</translation>
    </message>
    <message>
        <source>Export the exercise report</source>
        <translation>Exportar el informe del ejercicio</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf);;Text files (*.txt)</source>
        <translation>Documentos PDF (*.pdf);;Archivos de texto (*.txt)</translation>
    </message>
    <message>
        <source>RNN Studio exercises (*{suffix});;All files (*)</source>
        <translation>Ejercicios de RNN Studio (*{suffix});;Todos los archivos (*)</translation>
    </message>
</context>
<context>
    <name>ErrorReporter</name>
    <message>
        <source>Something went wrong</source>
        <translation>Algo salió mal</translation>
    </message>
    <message>
        <source>Error details</source>
        <translation>Detalles del error</translation>
    </message>
    <message>
        <source>Show &amp;details</source>
        <translation>Mostrar &amp;detalles</translation>
    </message>
    <message>
        <source>&amp;Copy details</source>
        <translation>&amp;Copiar los detalles</translation>
    </message>
    <message>
        <source>C&amp;ontinue</source>
        <translation>C&amp;ontinuar</translation>
    </message>
    <message>
        <source>Hide &amp;details</source>
        <translation>Ocultar &amp;detalles</translation>
    </message>
    <message>
        <source>RNN Studio met an unexpected problem ({kind}: {message}).

Your project is still open and nothing was lost: you can continue working. Saving your work now is a good idea.</source>
        <translation>RNN Studio encontró un problema inesperado ({kind}: {message}).

Su proyecto sigue abierto y no se perdió nada: puede seguir trabajando. Conviene guardar su trabajo ahora.</translation>
    </message>
    <message>
        <source>The details were written to {path}.</source>
        <translation>Los detalles se escribieron en {path}.</translation>
    </message>
</context>
<context>
    <name>ExercisePane</name>
    <message>
        <source>Exercise</source>
        <translation>Ejercicio</translation>
    </message>
    <message>
        <source>Open E&amp;xercise…</source>
        <translation>Abrir e&amp;jercicio…</translation>
    </message>
    <message>
        <source>Open an exercise file: questions about a model</source>
        <translation>Abrir un archivo de ejercicio: preguntas sobre un modelo</translation>
    </message>
    <message>
        <source>E&amp;xercises</source>
        <translation>Ejerc&amp;icios</translation>
    </message>
    <message>
        <source>Save as Exe&amp;rcise…</source>
        <translation>Guardar como ejercici&amp;o…</translation>
    </message>
    <message>
        <source>Make an exercise that asks for the facts of the open project</source>
        <translation>Crear un ejercicio que pregunte por los datos del proyecto abierto</translation>
    </message>
    <message>
        <source>&amp;Leave Exercise</source>
        <translation>Sa&amp;lir del ejercicio</translation>
    </message>
    <message>
        <source>Back to the project that was open, with every pane shown</source>
        <translation>Volver al proyecto que estaba abierto, con todos los paneles a la vista</translation>
    </message>
    <message>
        <source>Cannot open the exercise</source>
        <translation>No se puede abrir el ejercicio</translation>
    </message>
    <message>
        <source>Cannot save the report</source>
        <translation>No se puede guardar el informe</translation>
    </message>
    <message>
        <source>Saved the report {path}</source>
        <translation>Informe guardado en {path}</translation>
    </message>
    <message>
        <source>Cannot make an exercise</source>
        <translation>No se puede crear el ejercicio</translation>
    </message>
    <message>
        <source>An exercise needs a model without errors. First fix: {error}</source>
        <translation>Un ejercicio necesita un modelo sin errores. Corrija primero: {error}</translation>
    </message>
    <message>
        <source>Cannot save the exercise</source>
        <translation>No se puede guardar el ejercicio</translation>
    </message>
    <message>
        <source>Saved the exercise {path}</source>
        <translation>Ejercicio guardado en {path}</translation>
    </message>
    <message>
        <source>Hidden during the exercise: the code&apos;s comments show the shapes.</source>
        <translation>Oculto durante el ejercicio: los comentarios del código muestran las formas.</translation>
    </message>
    <message>
        <source>Warnings show with the explanations after Check</source>
        <translation>Las advertencias aparecen con las explicaciones al corregir</translation>
    </message>
    <message>
        <source>Hidden until your answer is checked.</source>
        <translation>Oculto hasta que se corrija su respuesta.</translation>
    </message>
    <message>
        <source>Shape of {parameter}</source>
        <translation>Forma de {parameter}</translation>
    </message>
    <message>
        <source>Shape of the input x</source>
        <translation>Forma de la entrada x</translation>
    </message>
    <message>
        <source>Shape of the output of {block}</source>
        <translation>Forma de la salida de {block}</translation>
    </message>
    <message>
        <source>Shape of {state} of {block}</source>
        <translation>Forma de {state} de {block}</translation>
    </message>
    <message>
        <source>Total number of parameters of the model</source>
        <translation>Número total de parámetros del modelo</translation>
    </message>
    <message>
        <source>Axis over which {block} normalises (index or name)</source>
        <translation>Eje sobre el que normaliza {block} (índice o nombre)</translation>
    </message>
    <message>
        <source>e.g. 5245</source>
        <translation>p. ej. 5245</translation>
    </message>
    <message>
        <source>e.g. 1 or time</source>
        <translation>p. ej. 1 o tiempo</translation>
    </message>
    <message>
        <source>e.g. [24, 6] or 24x6</source>
        <translation>p. ej. [24, 6] o 24x6</translation>
    </message>
    <message>
        <source>not checked</source>
        <translation>sin corregir</translation>
    </message>
    <message>
        <source>✔ right</source>
        <translation>✔ correcto</translation>
    </message>
    <message>
        <source>? unreadable</source>
        <translation>? ilegible</translation>
    </message>
    <message>
        <source>✖ wrong</source>
        <translation>✖ incorrecto</translation>
    </message>
    <message>
        <source>Score: {right} of {total}</source>
        <translation>Puntaje: {right} de {total}</translation>
    </message>
    <message>
        <source>RNN Studio — exercise report</source>
        <translation>RNN Studio — informe del ejercicio</translation>
    </message>
    <message>
        <source>Exercise: {title}</source>
        <translation>Ejercicio: {title}</translation>
    </message>
    <message>
        <source>Student: {name}</source>
        <translation>Estudiante: {name}</translation>
    </message>
    <message>
        <source>Date: {date}</source>
        <translation>Fecha: {date}</translation>
    </message>
    <message>
        <source>Not answered.</source>
        <translation>Sin responder.</translation>
    </message>
    <message>
        <source>Answer: {answer}   {mark}</source>
        <translation>Respuesta: {answer}   {mark}</translation>
    </message>
    <message>
        <source>Right answer: {expected}</source>
        <translation>Respuesta correcta: {expected}</translation>
    </message>
    <message>
        <source>Part:</source>
        <translation>Parte:</translation>
    </message>
    <message>
        <source>Your name:</source>
        <translation>Su nombre:</translation>
    </message>
    <message>
        <source>Written at the top of the report</source>
        <translation>Se escribe al principio del informe</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Corregir</translation>
    </message>
    <message>
        <source>Check every answer of this part (Ctrl+Return)</source>
        <translation>Corregir todas las respuestas de esta parte (Ctrl+Intro)</translation>
    </message>
    <message>
        <source>Export report…</source>
        <translation>Exportar informe…</translation>
    </message>
    <message>
        <source>Save the answers, marks and score as text or PDF</source>
        <translation>Guardar las respuestas, las correcciones y el puntaje como texto o PDF</translation>
    </message>
    <message>
        <source>Leave exercise</source>
        <translation>Salir del ejercicio</translation>
    </message>
    <message>
        <source>Type your answers, then press Check.</source>
        <translation>Escriba sus respuestas y luego pulse Corregir.</translation>
    </message>
    <message>
        <source>Whole exercise: {right} of {total} ({checked} of {parts} parts checked)</source>
        <translation>Ejercicio completo: {right} de {total} ({checked} de {parts} partes corregidas)</translation>
    </message>
</context>
<context>
    <name>FloatsEditor</name>
    <message>
        <source>a number, or one per feature: 0.1, 0.2</source>
        <translation>un número, o uno por característica: 0.1, 0.2</translation>
    </message>
</context>
<context>
    <name>InputPane</name>
    <message>
        <source>x = {shape}   {axes}</source>
        <translation>x = {shape}   {axes}</translation>
    </message>
</context>
<context>
    <name>Keyboard</name>
    <message>
        <source>Tabs: {tabs}</source>
        <translation>Pestañas: {tabs}</translation>
    </message>
</context>
<context>
    <name>LoadingWindow</name>
    <message>
        <source>Loading PyTorch…</source>
        <translation>Cargando PyTorch…</translation>
    </message>
    <message>
        <source>Loading PyTorch… the first start can take a few seconds.</source>
        <translation>Cargando PyTorch… el primer inicio puede tardar unos segundos.</translation>
    </message>
    <message>
        <source>PyTorch could not be loaded.</source>
        <translation>No se pudo cargar PyTorch.</translation>
    </message>
    <message>
        <source>PyTorch or the window&apos;s modules could not be loaded ({error}). Reinstall them with: python -m pip install --force-reinstall torch rnnstudio</source>
        <translation>No se pudieron cargar PyTorch o los módulos de la ventana ({error}). Reinstálelos con: python -m pip install --force-reinstall torch rnnstudio</translation>
    </message>
    <message>
        <source>{file} was not opened: the restored project is shown instead.</source>
        <translation>No se abrió {file}: en su lugar se muestra el proyecto recuperado.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Deshacer</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Rehacer</translation>
    </message>
    <message>
        <source>Parameters: {count}</source>
        <translation>Parámetros: {count}</translation>
    </message>
    <message>
        <source>Memory: weights {weights}</source>
        <translation>Memoria: pesos {weights}</translation>
    </message>
    <message>
        <source>&amp;New</source>
        <translation>&amp;Nuevo</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>&amp;Abrir…</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Guardar</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>Guardar &amp;como…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>Add {kind} after the selected block</source>
        <translation>Agregar {kind} después del bloque seleccionado</translation>
    </message>
    <message>
        <source>Add {kind}</source>
        <translation>Agregar {kind}</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Quitar</translation>
    </message>
    <message>
        <source>Remove the selected block (Delete)</source>
        <translation>Quitar el bloque seleccionado (Supr)</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Duplicar</translation>
    </message>
    <message>
        <source>Copy the selected block below it (Ctrl+D)</source>
        <translation>Copiar el bloque seleccionado debajo de él (Ctrl+D)</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>Subir</translation>
    </message>
    <message>
        <source>Move the selected block up (Alt+Up)</source>
        <translation>Subir el bloque seleccionado (Alt+Arriba)</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>Bajar</translation>
    </message>
    <message>
        <source>Move the selected block down (Alt+Down)</source>
        <translation>Bajar el bloque seleccionado (Alt+Abajo)</translation>
    </message>
    <message>
        <source>↑ Up</source>
        <translation>↑ Subir</translation>
    </message>
    <message>
        <source>↓ Down</source>
        <translation>↓ Bajar</translation>
    </message>
    <message>
        <source>Reset layout</source>
        <translation>Restablecer la disposición</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>Entrada</translation>
    </message>
    <message>
        <source>Stack</source>
        <translation>Pila</translation>
    </message>
    <message>
        <source>Block properties</source>
        <translation>Propiedades del bloque</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parámetros</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modelo</translation>
    </message>
    <message>
        <source>Shapes</source>
        <translation>Formas</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Ejecución</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Entrenamiento</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <source>Open &amp;Example</source>
        <translation>Abrir &amp;ejemplo</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>Abrir &amp;reciente</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Editar</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ver</translation>
    </message>
    <message>
        <source>Memory: weights {weights}, a run ≈ {run}</source>
        <translation>Memoria: pesos {weights}, una ejecución ≈ {run}</translation>
    </message>
    <message>
        <source>float32: 4 bytes per value. A run also keeps the input, every block&apos;s output and the hidden states of every layer at every step.</source>
        <translation>float32: 4 bytes por valor. Una ejecución guarda además la entrada, la salida de cada bloque y los estados ocultos de cada capa en cada paso.</translation>
    </message>
    <message>
        <source>No errors or warnings</source>
        <translation>Sin errores ni advertencias</translation>
    </message>
    <message>
        <source>✖ {count} error(s)</source>
        <translation>✖ {count} error(es)</translation>
    </message>
    <message>
        <source>⚠ {count} warning(s)</source>
        <translation>⚠ {count} advertencia(s)</translation>
    </message>
    <message>
        <source>This change is not possible</source>
        <translation>Este cambio no es posible</translation>
    </message>
    <message>
        <source>Add {name}</source>
        <translation>Agregar {name}</translation>
    </message>
    <message>
        <source>Remove {name}</source>
        <translation>Quitar {name}</translation>
    </message>
    <message>
        <source>Duplicate {name} as {copy}</source>
        <translation>Duplicar {name} como {copy}</translation>
    </message>
    <message>
        <source>Move {name}</source>
        <translation>Mover {name}</translation>
    </message>
    <message>
        <source>Change {block}.{field}</source>
        <translation>Cambiar {block}.{field}</translation>
    </message>
    <message>
        <source>Change input {field}</source>
        <translation>Cambiar {field} de la entrada</translation>
    </message>
    <message>
        <source>Cannot open the project</source>
        <translation>No se puede abrir el proyecto</translation>
    </message>
    <message>
        <source>Cannot open the example</source>
        <translation>No se puede abrir el ejemplo</translation>
    </message>
    <message>
        <source>Cannot save the project</source>
        <translation>No se puede guardar el proyecto</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>Guardado en {path}</translation>
    </message>
    <message>
        <source>Clear the list</source>
        <translation>Vaciar la lista</translation>
    </message>
    <message>
        <source>{path}: the file is no longer there; it is removed from the list.</source>
        <translation>{path}: el archivo ya no está; se quita de la lista.</translation>
    </message>
</context>
<context>
    <name>ModelPane</name>
    <message>
        <source>print(model)</source>
        <translation>print(model)</translation>
    </message>
    <message>
        <source>As PyTorch code</source>
        <translation>Como código de PyTorch</translation>
    </message>
    <message>
        <source>The model cannot be built until this is fixed:

{error}</source>
        <translation>El modelo no se puede construir hasta corregir esto:

{error}</translation>
    </message>
</context>
<context>
    <name>NavigationToolbar</name>
    <message>
        <source>Home</source>
        <translation>Inicio</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Atrás</translation>
    </message>
    <message>
        <source>Forward</source>
        <translation>Adelante</translation>
    </message>
    <message>
        <source>Pan</source>
        <translation>Desplazar</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>Zoom</translation>
    </message>
    <message>
        <source>Subplots</source>
        <translation>Subgráficos</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Guardar</translation>
    </message>
    <message>
        <source>Customize</source>
        <translation>Personalizar</translation>
    </message>
    <message>
        <source>Reset original view</source>
        <translation>Volver a la vista original</translation>
    </message>
    <message>
        <source>Back to previous view</source>
        <translation>Volver a la vista anterior</translation>
    </message>
    <message>
        <source>Forward to next view</source>
        <translation>Ir a la vista siguiente</translation>
    </message>
    <message>
        <source>Left button pans, Right button zooms
x/y fixes axis, CTRL fixes aspect</source>
        <translation>El botón izquierdo desplaza, el derecho amplía
x/y fija el eje, CTRL fija la proporción</translation>
    </message>
    <message>
        <source>Zoom to rectangle
x/y fixes axis</source>
        <translation>Ampliar un rectángulo
x/y fija el eje</translation>
    </message>
    <message>
        <source>Configure subplots</source>
        <translation>Configurar los subgráficos</translation>
    </message>
    <message>
        <source>Save the figure</source>
        <translation>Guardar la figura</translation>
    </message>
    <message>
        <source>Edit axis, curve and image parameters</source>
        <translation>Editar los parámetros de ejes, curvas e imágenes</translation>
    </message>
</context>
<context>
    <name>OptionalIntEditor</name>
    <message>
        <source>pin</source>
        <translation>fijar</translation>
    </message>
    <message>
        <source>Ticked: {field} is fixed to this value, and a tensor of another size is an error. Unticked: {field} is read from the incoming tensor.</source>
        <translation>Marcado: {field} queda fijo en este valor, y un tensor de otro tamaño es un error. Sin marcar: {field} se lee del tensor que llega.</translation>
    </message>
    <message>
        <source> (inferred)</source>
        <translation> (inferido)</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>desconocido</translation>
    </message>
</context>
<context>
    <name>ParameterTreeModel</name>
    <message>
        <source>Parameter</source>
        <translation>Parámetro</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>Forma</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Cantidad</translation>
    </message>
    <message>
        <source>{name}: {shape}, {count} values</source>
        <translation>{name}: {shape}, {count} valores</translation>
    </message>
    <message>
        <source>Unknown until the error above this block is fixed.</source>
        <translation>Desconocido hasta que se corrija el error de más arriba.</translation>
    </message>
    <message>
        <source>All parameters of the model; as float32 they take {size}.</source>
        <translation>Todos los parámetros del modelo; en float32 ocupan {size}.</translation>
    </message>
    <message>
        <source>Blocks after an error are not counted.</source>
        <translation>Los bloques después de un error no se cuentan.</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Total</translation>
    </message>
</context>
<context>
    <name>ParametersPane</name>
    <message>
        <source>Parameters of the model</source>
        <translation>Parámetros del modelo</translation>
    </message>
</context>
<context>
    <name>PathEditor</name>
    <message>
        <source>Choose…</source>
        <translation>Elegir…</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Preferencias</translation>
    </message>
    <message>
        <source>The system&apos;s language</source>
        <translation>El idioma del sistema</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <source>Text size</source>
        <translation>Tamaño del texto</translation>
    </message>
    <message>
        <source>1 is the classroom size; 1.5 or 2 for a projector at the back of a large room.</source>
        <translation>1 es el tamaño para el aula; 1.5 o 2 para un proyector al fondo de una sala grande.</translation>
    </message>
    <message>
        <source>Memory budget</source>
        <translation>Límite de memoria</translation>
    </message>
    <message>
        <source>A run or a training that would need more memory than this is refused, with the reason, instead of slowing the computer down.</source>
        <translation>Una ejecución o un entrenamiento que necesite más memoria que esto se rechaza, con el motivo, en vez de volver lenta la computadora.</translation>
    </message>
    <message>
        <source>This computer has {size:.1f} GiB.</source>
        <translation>Esta computadora tiene {size:.1f} GiB.</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Idioma:</translation>
    </message>
    <message>
        <source>&amp;Text size:</source>
        <translation>&amp;Tamaño del texto:</translation>
    </message>
    <message>
        <source>&amp;Memory budget:</source>
        <translation>Límite de &amp;memoria:</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Preferencias…</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Editar</translation>
    </message>
</context>
<context>
    <name>Projector</name>
    <message>
        <source>Zoom &amp;In</source>
        <translation>&amp;Ampliar</translation>
    </message>
    <message>
        <source>Larger text everywhere, plots included (Ctrl++)</source>
        <translation>Texto más grande en todas partes, gráficos incluidos (Ctrl++)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>&amp;Reducir</translation>
    </message>
    <message>
        <source>Smaller text everywhere (Ctrl+-)</source>
        <translation>Texto más pequeño en todas partes (Ctrl+-)</translation>
    </message>
    <message>
        <source>&amp;Normal Size</source>
        <translation>Tamaño &amp;normal</translation>
    </message>
    <message>
        <source>Text at 100% again (Ctrl+0)</source>
        <translation>Texto de nuevo al 100% (Ctrl+0)</translation>
    </message>
    <message>
        <source>&amp;Presenter Mode</source>
        <translation>Modo &amp;presentador</translation>
    </message>
    <message>
        <source>For a projector: large text, high-contrast colours and a thick time cursor</source>
        <translation>Para un proyector: texto grande, colores de alto contraste y un cursor de tiempo grueso</translation>
    </message>
    <message>
        <source>Text size {percent}%</source>
        <translation>Tamaño del texto {percent}%</translation>
    </message>
</context>
<context>
    <name>RunPane</name>
    <message>
        <source>What is fed to the model on a run; saved in the project file.</source>
        <translation>Lo que recibe el modelo en una ejecución; se guarda en el archivo del proyecto.</translation>
    </message>
    <message>
        <source>Seed of the initial weights: the same seed gives the same weights, as build_model(project, seed=…) and rnnstudio run --seed do.</source>
        <translation>Semilla de los pesos iniciales: la misma semilla da los mismos pesos, como build_model(project, seed=…) y rnnstudio run --seed.</translation>
    </message>
    <message>
        <source>Which sequence of the batch the plots show.</source>
        <translation>Qué secuencia del lote muestran los gráficos.</translation>
    </message>
    <message>
        <source>Signal</source>
        <translation>Señal</translation>
    </message>
    <message>
        <source>Auto-run</source>
        <translation>Ejecución automática</translation>
    </message>
    <message>
        <source>Runs estimated under {time} start by themselves after every change; longer ones wait for the Run button.</source>
        <translation>Las ejecuciones estimadas en menos de {time} empiezan solas después de cada cambio; las más largas esperan el botón Ejecutar.</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Ejecutar</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportar</translation>
    </message>
    <message>
        <source>Save the run&apos;s input, output and every hidden state, as rnnstudio run does</source>
        <translation>Guardar la entrada, la salida y todos los estados ocultos de la ejecución, como hace rnnstudio run</translation>
    </message>
    <message>
        <source>Arrays as one NPZ file…</source>
        <translation>Arreglos en un archivo NPZ…</translation>
    </message>
    <message>
        <source>Arrays as CSV files…</source>
        <translation>Arreglos en archivos CSV…</translation>
    </message>
    <message>
        <source>weights seed</source>
        <translation>semilla de los pesos</translation>
    </message>
    <message>
        <source>batch item</source>
        <translation>elemento del lote</translation>
    </message>
    <message>
        <source>before training</source>
        <translation>antes de entrenar</translation>
    </message>
    <message>
        <source>after training</source>
        <translation>después de entrenar</translation>
    </message>
    <message>
        <source>Which weights the run uses: the weights seed&apos;s, or the ones training started from and ended with. The same input, before and after.</source>
        <translation>Qué pesos usa la ejecución: los de la semilla de pesos, o aquellos con los que empezó y terminó el entrenamiento. La misma entrada, antes y después.</translation>
    </message>
    <message>
        <source>Heatmap</source>
        <translation>Mapa de calor</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>Líneas</translation>
    </message>
    <message>
        <source>Heatmap: every unit over time. Lines: the units chosen with Units.</source>
        <translation>Mapa de calor: cada unidad a lo largo del tiempo. Líneas: las unidades elegidas en Unidades.</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>Unidades</translation>
    </message>
    <message>
        <source>The units drawn as lines (up to {count})</source>
        <translation>Las unidades dibujadas como líneas (hasta {count})</translation>
    </message>
    <message>
        <source>Hidden states</source>
        <translation>Estados ocultos</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>Salida</translation>
    </message>
    <message>
        <source>At time step t</source>
        <translation>En el paso de tiempo t</translation>
    </message>
    <message>
        <source>The layer whose update is spelled out</source>
        <translation>La capa cuya actualización se detalla</translation>
    </message>
    <message>
        <source>Input signal: {kind}</source>
        <translation>Señal de entrada: {kind}</translation>
    </message>
    <message>
        <source>Change input signal {field}</source>
        <translation>Cambiar {field} de la señal de entrada</translation>
    </message>
    <message>
        <source>The model cannot run: {problem} Fix it in Block properties or Input.</source>
        <translation>El modelo no puede ejecutarse: {problem} Corríjalo en Propiedades del bloque o en Entrada.</translation>
    </message>
    <message>
        <source>The model cannot run: {problem}</source>
        <translation>El modelo no puede ejecutarse: {problem}</translation>
    </message>
    <message>
        <source>Run refused before it started: {reason}.</source>
        <translation>Ejecución rechazada antes de empezar: {reason}.</translation>
    </message>
    <message>
        <source>This run takes about {time} on one processor core and needs about {memory}: press Run to start it.</source>
        <translation>Esta ejecución tarda unos {time} en un núcleo del procesador y necesita unos {memory}: pulse Ejecutar para empezarla.</translation>
    </message>
    <message>
        <source>The plots show the last run before this change.</source>
        <translation>Los gráficos muestran la última ejecución anterior a este cambio.</translation>
    </message>
    <message>
        <source>Running… (estimated {time})</source>
        <translation>Ejecutando… (estimado: {time})</translation>
    </message>
    <message>
        <source>Run cancelled. Press Run to start it again.</source>
        <translation>Ejecución cancelada. Pulse Ejecutar para empezarla de nuevo.</translation>
    </message>
    <message>
        <source>The run failed: {reason}</source>
        <translation>La ejecución falló: {reason}</translation>
    </message>
    <message>
        <source>Ran {name} with the weights {weights} in {time}.</source>
        <translation>Se ejecutó {name} con los pesos {weights} en {time}.</translation>
    </message>
    <message>
        <source>Ran {name} with weights seed {seed} in {time}.</source>
        <translation>Se ejecutó {name} con la semilla de pesos {seed} en {time}.</translation>
    </message>
    <message>
        <source>No recurrent block: add an RNN, LSTM or GRU to see hidden states.</source>
        <translation>No hay bloque recurrente: agregue una RNN, LSTM o GRU para ver estados ocultos.</translation>
    </message>
    <message>
        <source>{block} ({kind}) updates its state through gates. The update h_t = tanh(W_ih x_t + b_ih + W_hh h_(t−1) + b_hh) is spelled out for plain RNN blocks.</source>
        <translation>{block} ({kind}) actualiza su estado a través de compuertas. La actualización h_t = tanh(W_ih x_t + b_ih + W_hh h_(t−1) + b_hh) se detalla para bloques RNN simples.</translation>
    </message>
    <message>
        <source>h_(t−1) = h at t = {step}</source>
        <translation>h_(t−1) = h en t = {step}</translation>
    </message>
    <message>
        <source>h_(t−1) = 0</source>
        <translation>h_(t−1) = 0</translation>
    </message>
    <message>
        <source>output = last_step: {block} passes on y[:, −1] (batch item {item}: {output}). It is layer {layer}&apos;s h at the last step t = {step}: {state}; largest difference {diff:.1g}.</source>
        <translation>output = last_step: {block} pasa y[:, −1] (elemento {item} del lote: {output}). Es el h de la capa {layer} en el último paso t = {step}: {state}; mayor diferencia {diff:.1g}.</translation>
    </message>
    <message>
        <source>{block} receives a batch of {count}, so the plots show its item {item}.</source>
        <translation>{block} recibe un lote de {count}, así que los gráficos muestran su elemento {item}.</translation>
    </message>
    <message>
        <source>The same numbers as h_n[{layer}], torch&apos;s final state.</source>
        <translation>Los mismos números que h_n[{layer}], el estado final de torch.</translation>
    </message>
    <message>
        <source>Its backward half is h at t = {step} too, the first step that direction reads, not its h_n.</source>
        <translation>Su mitad hacia atrás también es h en t = {step}, el primer paso que lee esa dirección, no su h_n.</translation>
    </message>
    <message>
        <source>unit {unit}</source>
        <translation>unidad {unit}</translation>
    </message>
    <message>
        <source>layer {layer}</source>
        <translation>capa {layer}</translation>
    </message>
    <message>
        <source>forward</source>
        <translation>hacia adelante</translation>
    </message>
    <message>
        <source>backward</source>
        <translation>hacia atrás</translation>
    </message>
    <message>
        <source>At time step t = {step}</source>
        <translation>En el paso de tiempo t = {step}</translation>
    </message>
    <message>
        <source>layer {layer}, t = {step}: h_t = {act}(sum)</source>
        <translation>capa {layer}, t = {step}: h_t = {act}(suma)</translation>
    </message>
    <message>
        <source>sum</source>
        <translation>suma</translation>
    </message>
    <message>
        <source>torch&apos;s h_t</source>
        <translation>h_t de torch</translation>
    </message>
    <message>
        <source>Cannot write {path}: {reason}. Choose another place.</source>
        <translation>No se puede escribir {path}: {reason}. Elija otro lugar.</translation>
    </message>
    <message>
        <source>Wrote the run&apos;s arrays to {path}.</source>
        <translation>Los arreglos de la ejecución se escribieron en {path}.</translation>
    </message>
    <message>
        <source>CSV export would write {count} files (one per array and batch item), more than {limit}: export one NPZ file instead, or lower batch.</source>
        <translation>Exportar a CSV escribiría {count} archivos (uno por arreglo y elemento del lote), más de {limit}: exporte un solo archivo NPZ, o baje batch.</translation>
    </message>
    <message>
        <source>Cannot write into {folder}: {reason}. Choose another folder.</source>
        <translation>No se puede escribir en {folder}: {reason}. Elija otra carpeta.</translation>
    </message>
    <message>
        <source>Wrote {count} CSV files to {folder}.</source>
        <translation>Se escribieron {count} archivos CSV en {folder}.</translation>
    </message>
    <message>
        <source>uniform random (torch.rand)</source>
        <translation>aleatoria uniforme (torch.rand)</translation>
    </message>
    <message>
        <source>normal random (torch.randn)</source>
        <translation>aleatoria normal (torch.randn)</translation>
    </message>
    <message>
        <source>sine wave</source>
        <translation>onda senoidal</translation>
    </message>
    <message>
        <source>square wave</source>
        <translation>onda cuadrada</translation>
    </message>
    <message>
        <source>step</source>
        <translation>escalón</translation>
    </message>
    <message>
        <source>impulse</source>
        <translation>impulso</translation>
    </message>
    <message>
        <source>ramp</source>
        <translation>rampa</translation>
    </message>
    <message>
        <source>CSV file…</source>
        <translation>Archivo CSV…</translation>
    </message>
</context>
<context>
    <name>SaveExerciseDialog</name>
    <message>
        <source>Shape of every parameter</source>
        <translation>Forma de cada parámetro</translation>
    </message>
    <message>
        <source>Shape of the input and of each block&apos;s output</source>
        <translation>Forma de la entrada y de la salida de cada bloque</translation>
    </message>
    <message>
        <source>Shape of h_n of each recurrent block</source>
        <translation>Forma de h_n de cada bloque recurrente</translation>
    </message>
    <message>
        <source>Total number of parameters</source>
        <translation>Número total de parámetros</translation>
    </message>
    <message>
        <source>Axis each softmax normalises over</source>
        <translation>Eje sobre el que normaliza cada softmax</translation>
    </message>
    <message>
        <source>Save as exercise</source>
        <translation>Guardar como ejercicio</translation>
    </message>
    <message>
        <source>What the students should do, e.g. write each shape like [24, 6].</source>
        <translation>Qué deben hacer los estudiantes, p. ej. escribir cada forma como [24, 6].</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>Título:</translation>
    </message>
    <message>
        <source>Instructions:</source>
        <translation>Instrucciones:</translation>
    </message>
    <message>
        <source>Ask the students for</source>
        <translation>Preguntar a los estudiantes por</translation>
    </message>
    <message>
        <source>{what} ({count} questions)</source>
        <translation>{what} ({count} preguntas)</translation>
    </message>
    <message>
        <source>Choose at least one kind of question.</source>
        <translation>Elija al menos un tipo de pregunta.</translation>
    </message>
</context>
<context>
    <name>ShapeDetail</name>
    <message>
        <source>Select a parameter to see where its shape and count come from.</source>
        <translation>Seleccione un parámetro para ver de dónde salen su forma y su cantidad.</translation>
    </message>
    <message>
        <source>{name}: hidden until your answer is checked.</source>
        <translation>{name}: oculto hasta que se corrija su respuesta.</translation>
    </message>
    <message>
        <source>Count: {count}</source>
        <translation>Cantidad: {count}</translation>
    </message>
</context>
<context>
    <name>ShapesPane</name>
    <message>
        <source>Tensor shapes between blocks</source>
        <translation>Formas de los tensores entre bloques</translation>
    </message>
</context>
<context>
    <name>ShapesTableModel</name>
    <message>
        <source>Stage</source>
        <translation>Etapa</translation>
    </message>
    <message>
        <source>Output shape</source>
        <translation>Forma de salida</translation>
    </message>
    <message>
        <source>Axes</source>
        <translation>Ejes</translation>
    </message>
    <message>
        <source>h_n shape</source>
        <translation>Forma de h_n</translation>
    </message>
    <message>
        <source>c_n shape</source>
        <translation>Forma de c_n</translation>
    </message>
    <message>
        <source>input</source>
        <translation>entrada</translation>
    </message>
    <message>
        <source>Not analysed: {block} above has an error.</source>
        <translation>Sin analizar: {block}, más arriba, tiene un error.</translation>
    </message>
</context>
<context>
    <name>StackListModel</name>
    <message>
        <source>Not analysed: {block} above has an error.</source>
        <translation>Sin analizar: {block}, más arriba, tiene un error.</translation>
    </message>
</context>
<context>
    <name>StackPane</name>
    <message>
        <source>Blocks of the model, in order</source>
        <translation>Bloques del modelo, en orden</translation>
    </message>
</context>
<context>
    <name>Texts</name>
    <message>
        <source>whole sequence</source>
        <translation>secuencia completa</translation>
    </message>
    <message>
        <source>last step</source>
        <translation>último paso</translation>
    </message>
    <message>
        <source>final h_n</source>
        <translation>h_n final</translation>
    </message>
    <message>
        <source>final c_n</source>
        <translation>c_n final</translation>
    </message>
    <message>
        <source> (projected to {size})</source>
        <translation> (proyectado a {size})</translation>
    </message>
    <message>
        <source> ×{count} layers</source>
        <translation> ×{count} capas</translation>
    </message>
    <message>
        <source>, both directions</source>
        <translation>, ambas direcciones</translation>
    </message>
    <message>
        <source>Allowed: from {low} up to (not including) {high}.</source>
        <translation>Permitido: desde {low} hasta {high} (sin incluirlo).</translation>
    </message>
    <message>
        <source>Allowed: {low} to {high}.</source>
        <translation>Permitido: de {low} a {high}.</translation>
    </message>
    <message>
        <source>Choices: {choices}.</source>
        <translation>Opciones: {choices}.</translation>
    </message>
    <message>
        <source>Unpinned, it is read from the incoming tensor; type a value or tick &apos;pin&apos; to fix it.</source>
        <translation>Sin fijar, se lee del tensor que llega; escriba un valor o marque &apos;fijar&apos; para dejarlo fijo.</translation>
    </message>
    <message>
        <source>Default: {value}.</source>
        <translation>Por defecto: {value}.</translation>
    </message>
</context>
<context>
    <name>TimeScrubber</name>
    <message>
        <source>❚❚ Pause</source>
        <translation>❚❚ Pausa</translation>
    </message>
    <message>
        <source>▶ Play</source>
        <translation>▶ Reproducir</translation>
    </message>
    <message>
        <source>Stop at this time step</source>
        <translation>Detenerse en este paso de tiempo</translation>
    </message>
    <message>
        <source>Walk through the time steps</source>
        <translation>Recorrer los pasos de tiempo</translation>
    </message>
    <message>
        <source>t = {step} of 0…{last}</source>
        <translation>t = {step} de 0…{last}</translation>
    </message>
</context>
<context>
    <name>TrainingPane</name>
    <message>
        <source>About this task</source>
        <translation>Sobre esta tarea</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Empezando…</translation>
    </message>
    <message>
        <source>The Run pane now shows its input with these weights: choose before or after training there.</source>
        <translation>El panel Ejecución muestra ahora su entrada con estos pesos: elija allí antes o después de entrenar.</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Tarea</translation>
    </message>
    <message>
        <source>Time steps of the task&apos;s sequences. On the memory task, a longer sequence is a longer way back for the gradient.</source>
        <translation>Pasos de tiempo de las secuencias de la tarea. En la tarea de memoria, una secuencia más larga es un camino más largo de vuelta para el gradiente.</translation>
    </message>
    <message>
        <source>steps</source>
        <translation>pasos</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Ajustes</translation>
    </message>
    <message>
        <source>SGD (momentum 0.9)</source>
        <translation>SGD (momento 0.9)</translation>
    </message>
    <message>
        <source>off</source>
        <translation>no</translation>
    </message>
    <message>
        <source>Before each step the gradient of all weights is scaled down to at most this norm (torch.nn.utils.clip_grad_norm_), so one exploding batch cannot throw the weights away. 0: off.</source>
        <translation>Antes de cada paso, el gradiente de todos los pesos se reduce a esta norma como máximo (torch.nn.utils.clip_grad_norm_), para que un lote que explota no arruine los pesos. 0: sin recorte.</translation>
    </message>
    <message>
        <source>Seed of the initial weights and of the order of the batches.</source>
        <translation>Semilla de los pesos iniciales y del orden de los lotes.</translation>
    </message>
    <message>
        <source>LSTM forget gates start at</source>
        <translation>Las compuertas de olvido de la LSTM empiezan en</translation>
    </message>
    <message>
        <source>Before training, every LSTM forget gate&apos;s bias is set to this value, so each step keeps sigmoid(bias) of the cell state (1: 73%) instead of about half: the memory and its gradient last long enough to learn from. Keras does this by default (unit_forget_bias), after Jozefowicz et al. (2015). RNN and GRU blocks are not changed.</source>
        <translation>Antes de entrenar, el sesgo de cada compuerta de olvido de la LSTM se pone en este valor, así cada paso conserva sigmoid(sesgo) del estado de celda (1: 73%) en vez de la mitad aproximadamente: la memoria y su gradiente duran lo suficiente para aprender. Keras lo hace por defecto (unit_forget_bias), siguiendo a Jozefowicz et al. (2015). Los bloques RNN y GRU no cambian.</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>Optimizador</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>Tasa de aprendizaje</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>Épocas</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>Tamaño del lote</translation>
    </message>
    <message>
        <source>Gradient clipping</source>
        <translation>Recorte del gradiente</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Semilla</translation>
    </message>
    <message>
        <source>Task&apos;s settings</source>
        <translation>Ajustes de la tarea</translation>
    </message>
    <message>
        <source>Back to the settings the task is tuned for</source>
        <translation>Volver a los ajustes para los que está afinada la tarea</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>Entrenar</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausa</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Save weights</source>
        <translation>Guardar pesos</translation>
    </message>
    <message>
        <source>Load weights…</source>
        <translation>Cargar pesos…</translation>
    </message>
    <message>
        <source>Weights saved for this stack (a .safetensors file next to the project)</source>
        <translation>Pesos guardados para esta pila (un archivo .safetensors junto al proyecto)</translation>
    </message>
    <message>
        <source>Which sequence of the validation set</source>
        <translation>Qué secuencia del conjunto de validación</translation>
    </message>
    <message>
        <source>before training</source>
        <translation>antes de entrenar</translation>
    </message>
    <message>
        <source>after training</source>
        <translation>después de entrenar</translation>
    </message>
    <message>
        <source>before and after</source>
        <translation>antes y después</translation>
    </message>
    <message>
        <source>Keep for comparison</source>
        <translation>Conservar para comparar</translation>
    </message>
    <message>
        <source>Keep these panels in the figure; then open or change the stack (e.g. an LSTM instead of the RNN), train it, and see both side by side.</source>
        <translation>Conservar estos paneles en la figura; luego abra o cambie la pila (p. ej. una LSTM en vez de la RNN), entrénela y vea ambas lado a lado.</translation>
    </message>
    <message>
        <source>Clear kept</source>
        <translation>Quitar los conservados</translation>
    </message>
    <message>
        <source>Validation sample</source>
        <translation>Muestra de validación</translation>
    </message>
    <message>
        <source>Curves</source>
        <translation>Curvas</translation>
    </message>
    <message>
        <source>Confusion matrix</source>
        <translation>Matriz de confusión</translation>
    </message>
    <message>
        <source>Gradients over time</source>
        <translation>Gradientes en el tiempo</translation>
    </message>
    <message>
        <source>Train the stack to see which classes it confuses.</source>
        <translation>Entrene la pila para ver qué clases confunde.</translation>
    </message>
    <message>
        <source>Off: torch&apos;s own initialisation, forget gates near 0. Each step keeps about half of an LSTM&apos;s cell state, so its memory, and the gradient back to early steps, fade within a few steps.</source>
        <translation>Sin ajuste: la inicialización propia de torch, con compuertas de olvido cerca de 0. Cada paso conserva cerca de la mitad del estado de celda de una LSTM, así que su memoria, y el gradiente hacia los primeros pasos, se desvanecen en pocos pasos.</translation>
    </message>
    <message>
        <source>Each step an LSTM keeps sigmoid({bias}) = {keep} of its cell state: a memory of about {steps} steps. Keras starts forget gates at 1; for a dependency T steps back, the chrono initialisation (Tallec and Ollivier, 2018) starts them near log(T). RNN and GRU blocks are not changed.</source>
        <translation>En cada paso una LSTM conserva sigmoid({bias}) = {keep} de su estado de celda: una memoria de unos {steps} pasos. Keras inicia las compuertas de olvido en 1; para una dependencia de T pasos atrás, la inicialización chrono (Tallec y Ollivier, 2018) las inicia cerca de log(T). Los bloques RNN y GRU no cambian.</translation>
    </message>
    <message>
        <source>The stack must give: {requirement}</source>
        <translation>La pila debe dar: {requirement}</translation>
    </message>
    <message>
        <source>✓ {project} fits this task.</source>
        <translation>✓ {project} sirve para esta tarea.</translation>
    </message>
    <message>
        <source>The stack does not fit this task. What to change:</source>
        <translation>La pila no sirve para esta tarea. Qué cambiar:</translation>
    </message>
    <message>
        <source>The stack changed: the trained weights belong to the stack as it was trained. Train this one, or undo the change.</source>
        <translation>La pila cambió: los pesos entrenados pertenecen a la pila tal como se entrenó. Entrene esta, o deshaga el cambio.</translation>
    </message>
    <message>
        <source>Change the stack as said under the task, then train.</source>
        <translation>Cambie la pila como se indica bajo la tarea, y luego entrene.</translation>
    </message>
    <message>
        <source>Training {project} on {task}…</source>
        <translation>Entrenando {project} en {task}…</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Reanudar</translation>
    </message>
    <message>
        <source>Paused: press Resume to go on.</source>
        <translation>En pausa: pulse Reanudar para seguir.</translation>
    </message>
    <message>
        <source>The training failed: {reason}</source>
        <translation>El entrenamiento falló: {reason}</translation>
    </message>
    <message>
        <source>Epoch {epoch} of {epochs} · batch {batch} of {batches} · loss {loss}</source>
        <translation>Época {epoch} de {epochs} · lote {batch} de {batches} · pérdida {loss}</translation>
    </message>
    <message>
        <source>The stack changed during the training: its weights belong to the previous stack and are not used.</source>
        <translation>La pila cambió durante el entrenamiento: sus pesos pertenecen a la pila anterior y no se usan.</translation>
    </message>
    <message>
        <source>Cancelled after {epochs} epoch(s) ({time}). The weights as they were are kept.</source>
        <translation>Cancelado después de {epochs} época(s) ({time}). Se conservan los pesos como estaban.</translation>
    </message>
    <message>
        <source>The training blew up: {reason}</source>
        <translation>El entrenamiento divergió: {reason}</translation>
    </message>
    <message>
        <source>Trained {epochs} epochs in {time}: validation accuracy {accuracy}, loss {loss}.</source>
        <translation>Entrenado {epochs} épocas en {time}: exactitud de validación {accuracy}, pérdida {loss}.</translation>
    </message>
    <message>
        <source>Trained {epochs} epochs in {time}: validation loss {loss}.</source>
        <translation>Entrenado {epochs} épocas en {time}: pérdida de validación {loss}.</translation>
    </message>
    <message>
        <source>Saved the trained weights to {path}.</source>
        <translation>Los pesos entrenados se guardaron en {path}.</translation>
    </message>
    <message>
        <source>before training (weights seed {seed})</source>
        <translation>antes de entrenar (semilla de pesos {seed})</translation>
    </message>
    <message>
        <source>loaded from {name}</source>
        <translation>cargados de {name}</translation>
    </message>
    <message>
        <source>Loaded the weights from {path} (trained on {task}).</source>
        <translation>Se cargaron los pesos de {path} (entrenados en {task}).</translation>
    </message>
    <message>
        <source>initial weights (seed {seed})</source>
        <translation>pesos iniciales (semilla {seed})</translation>
    </message>
    <message>
        <source>The stack does not fit the task: see the explanation under the task.</source>
        <translation>La pila no sirve para la tarea: vea la explicación bajo la tarea.</translation>
    </message>
    <message>
        <source>Computing the gradients…</source>
        <translation>Calculando los gradientes…</translation>
    </message>
    <message>
        <source>Gradients over time failed: {reason}</source>
        <translation>Los gradientes en el tiempo fallaron: {reason}</translation>
    </message>
    <message>
        <source>How much of the gradient gets back to the first step, ‖dLoss/dh_0‖ ÷ ‖dLoss/dh_{last}‖ in the first layer — {reaches}. Sample {sample} of the validation set, {steps} steps.</source>
        <translation>Cuánto del gradiente vuelve al primer paso, ‖dLoss/dh_0‖ ÷ ‖dLoss/dh_{last}‖ en la primera capa — {reaches}. Muestra {sample} del conjunto de validación, {steps} pasos.</translation>
    </message>
</context>
<context>
    <name>UnrolledView</name>
    <message>
        <source>Unrolled</source>
        <translation>Desplegada</translation>
    </message>
    <message>
        <source>x_t, the input at one step: {shape}</source>
        <translation>x_t, la entrada en un paso: {shape}</translation>
    </message>
    <message>
        <source>h_t, each layer&apos;s state at one step: {shape}</source>
        <translation>h_t, el estado de cada capa en un paso: {shape}</translation>
    </message>
    <message>
        <source>y, the top layer&apos;s h_t at every step: {shape}</source>
        <translation>y, el h_t de la capa de arriba en cada paso: {shape}</translation>
    </message>
    <message>
        <source>h_n, the last step&apos;s state of every layer: {shape}</source>
        <translation>h_n, el estado de cada capa en el último paso: {shape}</translation>
    </message>
    <message>
        <source>c_n, the last step&apos;s cell state: {shape}</source>
        <translation>c_n, el estado de celda en el último paso: {shape}</translation>
    </message>
    <message>
        <source>{block} passes on: {what} {shape}</source>
        <translation>{block} pasa al siguiente: {what} {shape}</translation>
    </message>
    <message>
        <source>Both directions: a second pass runs from the last step back to the first (purple arrows); y_t joins both.</source>
        <translation>Ambas direcciones: una segunda pasada va del último paso al primero (flechas violetas); y_t une las dos.</translation>
    </message>
    <message>
        <source>layer {number}</source>
        <translation>capa {number}</translation>
    </message>
    <message>
        <source>Add or select an RNN, GRU or LSTM block to see it unrolled.</source>
        <translation>Agregue o seleccione un bloque RNN, GRU o LSTM para verlo desplegado.</translation>
    </message>
    <message>
        <source>Unrolled recurrent block</source>
        <translation>Bloque recurrente desplegado</translation>
    </message>
    <message>
        <source>{block} ({kind}) unrolled: {layers} layer(s) × {steps} time steps</source>
        <translation>{block} ({kind}) desplegada: {layers} capa(s) × {steps} pasos de tiempo</translation>
    </message>
    <message>
        <source> (steps 3 to {last} not drawn)</source>
        <translation> (los pasos 3 a {last} no se dibujan)</translation>
    </message>
    <message>
        <source>Unrolled over time</source>
        <translation>Desplegada en el tiempo</translation>
    </message>
    <message>
        <source>{block} has an error, or one above it has: fix it to see it unrolled.</source>
        <translation>{block} tiene un error, o lo tiene un bloque de más arriba: corríjalo para verlo desplegado.</translation>
    </message>
</context>
<context>
    <name>WeightsFileDialogs</name>
    <message>
        <source>Trained weights (*.safetensors);;All files (*)</source>
        <translation>Pesos entrenados (*.safetensors);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Save the trained weights</source>
        <translation>Guardar los pesos entrenados</translation>
    </message>
    <message>
        <source>Load trained weights</source>
        <translation>Cargar pesos entrenados</translation>
    </message>
</context>
<context>
    <name>_ReadOnlyText</name>
    <message>
        <source>Copy</source>
        <translation>Copiar</translation>
    </message>
    <message>
        <source>Copy all of it to the clipboard</source>
        <translation>Copiar todo al portapapeles</translation>
    </message>
</context>
</TS>
