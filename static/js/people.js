// Person pickers (parkops/people.py): as one types in an input[data-people-search],
// its <datalist> is filled with the people the search endpoint finds. Without this
// script the input still takes a name or a username, which the server resolves.
"use strict";

document.querySelectorAll("input[data-people-search]").forEach((input) => {
  const options = document.getElementById(input.getAttribute("list"));
  let timer = null;
  let asked = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const text = input.value.trim();
      if (!text || text === asked) return;
      asked = text;
      const url = `${input.dataset.peopleSearch}?q=${encodeURIComponent(text)}`;
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const people = await response.json();
      options.replaceChildren(
        ...people.map((person) => {
          const option = document.createElement("option");
          option.value = person.label;
          return option;
        }),
      );
    }, 200); // one request per pause in typing, not per key
  });
});
