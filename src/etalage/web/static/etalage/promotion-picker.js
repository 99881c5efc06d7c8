// The promotion form's product picker: typing in its search box shows only the
// products whose name or SKU contains what was typed (all of them without JS).
document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll("[data-picker-search]")) {
    const list = document.getElementById(box.dataset.pickerSearch);
    box.addEventListener("input", () => {
      const wanted = box.value.trim().toLowerCase();
      for (const item of list.querySelectorAll("li[data-search]")) {
        item.hidden = wanted !== "" && !item.dataset.search.includes(wanted);
      }
    });
  }
});
