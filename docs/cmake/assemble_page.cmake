# cmake -DINPUT=<page.md> -DOUTPUT=<page.md> [-DMARKER=<line>] [-DTABLE=<file>] [-DEMPTY=<text>]
#       [-DEXAMPLE_OUTPUTS=<dir>] -P assemble_page.cmake
#
# Copies a Markdown page into the build tree, replacing the line MARKER (e.g.
# `<!-- verification-table -->`) with the table in the file TABLE — what `cnnlab verify --markdown`
# printed at docs-build time — and each line `<!-- example-output: NAME -->` with the file
# EXAMPLE_OUTPUTS/NAME.txt, what the docs example NAME printed (as it is: Markdown the example
# wrote). Pages without markers are copied as they are.
#
# What happens to the table on the way:
#  * no rows (only a header, or nothing): the marker becomes the text EMPTY, so the site still builds;
#  * a `|` inside a cell ("max |Δ|") is escaped as `\|`, else it would split the cell;
#  * the seven columns of `cnnlab verify --markdown` (claim, statement, source, status, error,
#    tolerance, measured) are regrouped into four that fit a page: claim + status, statement,
#    error ≤ tolerance, source + measured. Any other table is left as it is.

file(READ "${INPUT}" page)
if(NOT DEFINED MARKER OR MARKER STREQUAL "" OR NOT page MATCHES "${MARKER}")
  set(table "")
else()
  set(table "")
  if(DEFINED TABLE AND EXISTS "${TABLE}")
    file(READ "${TABLE}" table)
  endif()
endif()

if(DEFINED MARKER AND NOT MARKER STREQUAL "" AND page MATCHES "${MARKER}")
  # A table has a header line, a separator line and at least one row.
  string(REGEX MATCHALL "(^|\n)\\|" bars "${table}")
  list(LENGTH bars lines)
  if(lines LESS 3)
    set(result "${EMPTY}\n")
  else()
    # Characters CMake's lists would interpret (; [ ]) and the cell separators become placeholders.
    string(ASCII 1 sep)
    string(ASCII 2 escaped)
    string(ASCII 3 semi)
    string(ASCII 4 lbr)
    string(ASCII 5 rbr)
    string(REPLACE ";" "${semi}" table "${table}")
    string(REPLACE "[" "${lbr}" table "${table}")
    string(REPLACE "]" "${rbr}" table "${table}")
    string(REPLACE "\\|" "${escaped}" table "${table}")
    string(REPLACE " | " " ${sep} " table "${table}")
    string(REGEX REPLACE "(^|\n)\\| " "\\1${sep} " table "${table}")
    string(REGEX REPLACE " \\|(\n|$)" " ${sep}\\1" table "${table}")
    string(REPLACE "|" "${escaped}" table "${table}")

    string(REPLACE "\n" ";" rows "${table}")
    set(result "")
    set(regroup OFF)
    foreach(row IN LISTS rows)
      if(NOT row MATCHES "^${sep} ")
        string(APPEND result "${row}\n")
        continue()
      endif()
      string(REGEX REPLACE "^${sep} (.*) ${sep}$" "\\1" inner "${row}")
      string(REPLACE " ${sep} " ";" cells "${inner}")
      list(LENGTH cells count)
      if(inner STREQUAL "claim ${sep} statement ${sep} source ${sep} status ${sep} error ${sep} tolerance ${sep} measured")
        set(regroup ON)
        string(APPEND result "| claim | statement | error ≤ tolerance | source and measurement |\n")
      elseif(regroup AND inner MATCHES "^---")
        string(APPEND result "| --- | --- | --- | --- |\n")
      elseif(regroup AND count EQUAL 7)
        list(GET cells 0 claim)
        list(GET cells 1 statement)
        list(GET cells 2 source)
        list(GET cells 3 status)
        list(GET cells 4 error)
        list(GET cells 5 tolerance)
        list(GET cells 6 measured)
        string(APPEND result "| ${claim}<br>${status} | ${statement} | ${error}<br>≤ ${tolerance} | *${source}*<br>${measured} |\n")
      else()
        string(REPLACE ";" " | " cells "${cells}")
        string(APPEND result "| ${cells} |\n")
      endif()
    endforeach()
    string(REPLACE "${escaped}" "\\|" result "${result}")
    string(REPLACE "${semi}" ";" result "${result}")
    string(REPLACE "${lbr}" "[" result "${result}")
    string(REPLACE "${rbr}" "]" result "${result}")
  endif()
  string(REPLACE "${MARKER}" "${result}" page "${page}")
endif()

# Example outputs: `<!-- example-output: NAME -->` → the text example NAME printed.
string(REGEX MATCHALL "<!-- example-output: [A-Za-z0-9_]+ -->" example_markers "${page}")
list(REMOVE_DUPLICATES example_markers)
foreach(marker IN LISTS example_markers)
  string(REGEX REPLACE "<!-- example-output: ([A-Za-z0-9_]+) -->" "\\1" name "${marker}")
  if(NOT DEFINED EXAMPLE_OUTPUTS OR NOT EXISTS "${EXAMPLE_OUTPUTS}/${name}.txt")
    message(FATAL_ERROR "${INPUT}: '${marker}' names no example output (looked for ${EXAMPLE_OUTPUTS}/${name}.txt; "
                        "is docs/examples/${name}.cpp missing?)")
  endif()
  file(READ "${EXAMPLE_OUTPUTS}/${name}.txt" output)
  string(REPLACE "${marker}" "${output}" page "${page}")
endforeach()

set(old "")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
endif()
if(NOT old STREQUAL page)
  file(WRITE "${OUTPUT}" "${page}")
endif()
