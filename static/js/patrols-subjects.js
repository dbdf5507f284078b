// The subject picker on a finding form (div[data-subject-picker]): as one types a code or
// name, the places of the chosen kind that match are listed below the input (one request
// per pause in typing); arrows move through them, Enter or a tap picks one, Escape closes.
// Picking fills the hidden subject_id, which the server takes while the text is still the
// place's label. Without this script the typed code or name is resolved on submit.
"use strict";

document.querySelectorAll("[data-subject-picker]").forEach((picker) => {
  const kind = picker.querySelector("select[name=subject_kind]");
  const input = picker.querySelector("input[name=subject_text]");
  const chosen = picker.querySelector("input[name=subject_id]");
  const list = picker.querySelector("[role=listbox]");
  let timer = null;
  let active = -1;

  const options = () => Array.from(list.children);

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function mark(index) {
    const all = options();
    active = all.length ? (index + all.length) % all.length : -1;
    all.forEach((li, i) => li.setAttribute("aria-selected", String(i === active)));
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }
  }

  function pick(li) {
    input.value = li.textContent;
    chosen.value = li.dataset.id;
    close();
  }

  function show(results) {
    list.replaceChildren(
      ...results.map((subject, i) => {
        const li = document.createElement("li");
        li.id = `subject-option-${i}`;
        li.setAttribute("role", "option");
        li.dataset.id = subject.id;
        li.textContent = subject.label;
        li.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus
        li.addEventListener("click", () => pick(li));
        return li;
      }),
    );
    list.hidden = results.length === 0;
    input.setAttribute("aria-expanded", String(results.length > 0));
    active = -1;
  }

  async function search() {
    const text = input.value.trim();
    if (!kind.value || !text) return close();
    const url = `${picker.dataset.subjectPicker}&kind=${encodeURIComponent(kind.value)}&q=${encodeURIComponent(text)}`;
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok || input.value.trim() !== text) return; // a newer search follows
    show((await response.json()).results);
  }

  input.addEventListener("input", () => {
    chosen.value = ""; // typed again: no longer the place picked
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  });
  kind.addEventListener("change", () => {
    chosen.value = "";
    search();
  });
  input.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      mark(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault(); // picks the place, does not submit the form
      pick(options()[active]);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", close);
});
