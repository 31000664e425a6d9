// Small progressive enhancements; every page works without them.
document.addEventListener('click', (event) => {
  const back = event.target.closest('[data-back]');
  if (back) {
    event.preventDefault();
    history.back();
  }
  const confirmButton = event.target.closest('[data-confirm]');
  if (confirmButton && !window.confirm(confirmButton.getAttribute('data-confirm'))) {
    event.preventDefault();
  }
});
